import type { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { FULL_CONTEXT, onlyResource, synthesize, type Synthesized } from './support.js';

type Json = Record<string, unknown>;

/** Properties that give a resource a name AWS holds unique per account and region. */
const NAME_PROPERTIES = [
  'Name',
  'FunctionName',
  'DashboardName',
  'TableName',
  'LogGroupName',
  'AlarmName',
  'QueueName',
  'TopicName',
  'RoleName',
];

const stacksOf = (s: Synthesized): Stack[] => [
  s.bridge.data,
  s.bridge.push!,
  s.bridge.api!,
  s.bridge.sync!,
  s.bridge.web,
  s.bridge.monitoring,
];

/** Every account-unique name an installation claims: stack names, export names, and named resources (by type). */
function claimedNames(s: Synthesized): string[] {
  const names: string[] = [];
  for (const stack of stacksOf(s)) {
    names.push(`stack:${stack.stackName}`);
    const json = s.template(stack).toJSON() as {
      Resources: Record<string, { Type: string; Properties?: Json }>;
      Outputs?: Record<string, { Export?: { Name: string } }>;
    };
    for (const output of Object.values(json.Outputs ?? {})) if (output.Export) names.push(`export:${output.Export.Name}`);
    for (const resource of Object.values(json.Resources)) {
      for (const key of NAME_PROPERTIES) {
        const value =
          resource.Properties?.[key] ?? (resource.Properties?.[`${resource.Type.split('::')[2]}Config`] as Json | undefined)?.[key];
        if (typeof value === 'string') names.push(`${resource.Type}:${value}`);
      }
    }
  }
  return names;
}

describe('two installations in one account and region (instanceName)', () => {
  it('staging and production claim no common name: stacks, exports, secrets, functions, dashboards, CloudFront policies', () => {
    const staging = synthesize({ context: { ...FULL_CONTEXT, instanceName: 'staging' } });
    const production = synthesize({ context: { ...FULL_CONTEXT, instanceName: 'production' } });
    const stagingNames = claimedNames(staging);
    const productionNames = claimedNames(production);
    expect(stagingNames).toEqual(
      expect.arrayContaining(['stack:WorkspaceBridge-staging-Data', 'AWS::SecretsManager::Secret:workspace-bridge/staging/session-keys']),
    );
    expect(stagingNames.filter((n) => n.startsWith('AWS::SecretsManager::Secret:'))).toHaveLength(3);
    expect(stagingNames).toContain('AWS::Lambda::Function:WorkspaceBridge-staging-Sync-sync');
    expect(stagingNames.some((n) => n.startsWith('AWS::CloudWatch::Dashboard:'))).toBe(true);
    expect(stagingNames.filter((n) => productionNames.includes(n))).toEqual([]);
    // Each still synthesizes clean under cdk-nag (synthesize throws otherwise) with its own stack names.
    expect(stacksOf(production).map((st) => st.stackName)).toEqual(
      ['Data', 'Push', 'Api', 'Sync', 'Web', 'Monitoring'].map((c) => `WorkspaceBridge-production-${c}`),
    );
  });

  it('without instanceName, the names of an existing installation stay as they were', () => {
    const s = synthesize();
    expect(stacksOf(s).map((st) => st.stackName)).toEqual(
      ['Data', 'Push', 'Api', 'Sync', 'Web', 'Monitoring'].map((c) => `WorkspaceBridge-${c}`),
    );
    expect(claimedNames(s)).toEqual(
      expect.arrayContaining([
        'AWS::SecretsManager::Secret:workspace-bridge/session-keys',
        'AWS::Lambda::Function:WorkspaceBridge-Sync-sync',
      ]),
    );
  });
});

describe('outputs for the runbook', () => {
  it('name the table, queues, functions, log groups, secrets, dashboard and the site origin', () => {
    const s = synthesize();
    const outputs = (stack: Stack) => s.template(stack).toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    const values = (stack: Stack, prefix: string) =>
      Object.entries(outputs(stack))
        .filter(([id]) => id.startsWith(prefix))
        .map(([, o]) => o.Value);
    const { data, api, sync, web, monitoring } = s.bridge;
    expect(values(data, 'TableName')).toEqual([{ Ref: expect.stringMatching(/^Table/) }]);
    expect(
      values(data, 'SessionKeysSecretName').concat(
        values(data, 'ServiceAccountKeySecretName'),
        values(data, 'GoogleClientSecretSecretName'),
      ),
    ).toEqual(['workspace-bridge/session-keys', 'workspace-bridge/google-service-account', 'workspace-bridge/google-client-secret']);
    // A function name and a log group for every function.
    for (const [stack, count] of [
      [data, 1],
      [api!, api!.functions.length],
      [sync!, 1],
      [s.bridge.push!, 2],
    ] as const) {
      expect(
        Object.keys(outputs(stack)).filter((id) => /FunctionName/.test(id)),
        stack.stackName,
      ).toHaveLength(count);
      expect(
        Object.keys(outputs(stack)).filter((id) => /LogGroupName/.test(id)),
        stack.stackName,
      ).toHaveLength(count);
    }
    expect(values(sync!, 'ScheduleDeadLettersQueueUrl')).toEqual([{ Ref: expect.stringMatching(/^ScheduleDeadLetters/) }]);
    expect(values(sync!, 'FailedRunsQueueUrl')).toEqual([{ Ref: expect.stringMatching(/^FailedRuns/) }]);
    expect(JSON.stringify(values(monitoring, 'DashboardUrl'))).toMatch(/cloudwatch\/home\?region=.*#dashboards\/dashboard\//);
    expect(values(web, 'AppOrigin')).toEqual([
      { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^Distribution/), 'DomainName'] }]] },
    ]);
  });
});

describe('CloudFront price class and WAF (optional context)', () => {
  const distributionConfig = (s: Synthesized) =>
    (onlyResource(s.template(s.bridge.web), 'AWS::CloudFront::Distribution').Properties as Json).DistributionConfig as Json;
  const webAclArn = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/intranet/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';

  it('defaults to price class 100 and no web ACL', () => {
    const config = distributionConfig(synthesize());
    expect(config.PriceClass).toBe('PriceClass_100');
    expect(config).not.toHaveProperty('WebACLId');
  });

  it('puts the web ACL in front of the distribution and takes the price class', () => {
    const config = distributionConfig(synthesize({ context: { ...FULL_CONTEXT, webAclArn, priceClass: 'All' } }));
    expect(config).toMatchObject({ WebACLId: webAclArn, PriceClass: 'PriceClass_All' });
  });
});

describe('tracing (one setting, off by default)', () => {
  /** Our functions (not the BucketDeployment provider, a Python function aws-cdk-lib owns). */
  const appFunctions = (s: Synthesized) =>
    stacksOf(s).flatMap((stack) =>
      Object.values(s.template(stack).toJSON().Resources as Record<string, { Type: string; Properties: Json }>).filter(
        (r) => r.Type === 'AWS::Lambda::Function' && String(r.Properties.Runtime).startsWith('nodejs'),
      ),
    );
  const xrayGrants = (s: Synthesized) =>
    stacksOf(s).flatMap((stack) =>
      Object.values(s.template(stack).toJSON().Resources as Record<string, { Type: string; Properties: Json }>)
        .filter((r) => r.Type === 'AWS::IAM::Policy')
        .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Json[] }).Statement)
        .filter((st) => JSON.stringify(st.Action).includes('xray:')),
    );

  it('off: no function traces and no role may send traces', () => {
    const s = synthesize();
    for (const fn of appFunctions(s)) expect(fn.Properties).not.toHaveProperty('TracingConfig');
    expect(xrayGrants(s)).toEqual([]);
  });

  it('tracing=true: every function traces actively, and each of their roles may send traces (cdk-nag clean)', () => {
    const s = synthesize({ context: { ...FULL_CONTEXT, tracing: 'true' } });
    const fns = appFunctions(s);
    expect(fns.length).toBe(4 + s.bridge.api!.functions.length); // rotation, sync, push worker and channel manager, HTTP functions
    for (const fn of fns) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    const grants = xrayGrants(s);
    expect(grants).toHaveLength(fns.length);
    for (const grant of grants)
      expect(grant).toMatchObject({ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' });
  });
});
