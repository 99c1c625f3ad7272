import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { TABLE } from '../../shared/adapters/dynamodb/table-definition.js';
import { LAMBDA_RESERVE_MS, LEASE_DURATION_MS } from '../../shared/services/sync/setup.js';
import { runMetrics } from '../../shared/services/sync/report.js';
import { CHECKPOINT_MAX_AGE_MS } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { SYNC_RUN_METRICS } from '../../infra/constructs/monitoring.js';
import type { AppFunction } from '../../infra/app-function.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  descendant,
  FIXTURE_FUNCTIONS,
  FIXTURE_WEB_BUILD,
  FULL_CONTEXT,
  onlyResource,
  resourcesOf,
  synthesize,
  type Synthesized,
} from './support.js';

type Json = Record<string, unknown>;

// AWS managed CloudFront policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const CACHING_OPTIMIZED = '658327ea-f89d-4fab-a63d-7e88639e58f6';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const logicalId = (construct: IConstruct): string => {
  const stack = construct.node.scopes.find((s): s is Stack => 'templateOptions' in s)!;
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
};

describe('data stack', () => {
  it('creates the table from shared/adapters/dynamodb/table-definition.ts: keys, indexes, TTL, PITR, deletion protection, KMS, retained', () => {
    const template = synthesized.template(synthesized.bridge.data);
    const table = onlyResource(template, 'AWS::DynamoDB::GlobalTable');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    const p = table.Properties as Json;
    expect(p.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect((p.GlobalSecondaryIndexes as Json[]).map((i) => [i.IndexName, i.KeySchema])).toEqual(
      TABLE.globalSecondaryIndexes.map((i) => [
        i.indexName,
        [
          { AttributeName: i.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: i.sortKey.name, KeyType: 'RANGE' },
        ],
      ]),
    );
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.timeToLiveAttribute, Enabled: true });
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
    expect(p.Replicas).toEqual([
      expect.objectContaining({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    ]);
  });

  it('creates the three secrets under the configured names; the Google-issued ones start empty', () => {
    const template = synthesized.template(synthesized.bridge.data);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'workspace-bridge/session-keys', GenerateSecretString: {} });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'workspace-bridge/google-service-account', SecretString: ' ' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'workspace-bridge/google-client-secret', SecretString: ' ' });
  });

  it('rotates the key ring with its own function on a schedule, starting right after deploy', () => {
    const { data } = synthesized.bridge;
    const template = synthesized.template(data);
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: logicalId(data.secrets.sessionKeys) },
      RotationLambdaARN: { 'Fn::GetAtt': [logicalId(data.rotation.fn), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: true,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceArn: { Ref: logicalId(data.secrets.sessionKeys) },
    });
  });
});

describe('functions', () => {
  it('every function: latest Node.js on ARM64, ESM handler, its own log group with retention, source maps on', () => {
    const { data, api, sync } = synthesized.bridge;
    const apps = [data.rotation, sync!.sync, ...api!.functions.map((f) => f.app)];
    for (const app of apps) {
      const template = synthesized.template(app.node.scopes.find((s): s is Stack => 'templateOptions' in s)!);
      const fn = resourcesOf(template, 'AWS::Lambda::Function')[logicalId(app.fn)]!.Properties as Json;
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Handler).toBe('index.handler');
      expect(fn.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(app.logGroup) } });
      expect(((fn.Environment as Json).Variables as Json).NODE_OPTIONS).toBe('--enable-source-maps');
      const logGroup = resourcesOf(template, 'AWS::Logs::LogGroup')[logicalId(app.logGroup)]!;
      expect((logGroup.Properties as Json).RetentionInDays).toBe(90);
    }
  });

  it('HTTP and sync functions get the full aws-mode configuration the code validates', () => {
    const { api, sync } = synthesized.bridge;
    for (const app of [sync!.sync, ...api!.functions.map((f) => f.app)]) {
      const env = synthesized.template(app.node.scopes.find((s): s is Stack => 'templateOptions' in s)!).toJSON().Resources[
        logicalId(app.fn)
      ].Properties.Environment.Variables;
      expect(env.RUNTIME_MODE).toBe('aws');
      expect(env.APP_ORIGIN).toBe('https://intranet.example.com');
      // Values CloudFormation fills in at deploy (the table name; the receiver's queue URL and origin secret).
      const resolved = { ...env, TABLE_NAME: 'resolved-at-deploy' };
      if (env.PUSH_QUEUE_URL)
        Object.assign(resolved, { PUSH_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q', PUSH_ORIGIN_SECRET: 's' });
      expect(loadConfig(resolved)).toMatchObject({
        mode: 'aws',
        allowedDomains: ['example.com', 'example.org'],
        googleAdminSubject: 'admin@example.com',
      });
    }
  });

  it('the admin group and enabled integrations reach the api function only, and only when set', () => {
    const withSettings = synthesize({
      context: { ...FULL_CONTEXT, adminGroupEmail: 'intranet-admins@example.com', enabledIntegrations: 'calendar' },
    });
    const env = (from: Synthesized, app: AppFunction): Record<string, string> =>
      from.template(app.node.scopes.find((s): s is Stack => 'templateOptions' in s)!).toJSON().Resources[logicalId(app.fn)].Properties
        .Environment.Variables;
    const { api, sync } = withSettings.bridge;
    for (const { spec, app } of api!.functions) {
      if (spec.name === 'api') {
        expect(env(withSettings, app)).toMatchObject({
          ADMIN_GROUP_EMAIL: 'intranet-admins@example.com',
          ENABLED_INTEGRATIONS: 'calendar',
        });
        expect(loadConfig({ ...env(withSettings, app), TABLE_NAME: 'resolved-at-deploy' })).toMatchObject({
          adminGroupEmail: 'intranet-admins@example.com',
          enabledIntegrations: ['calendar'],
        });
      } else {
        expect(env(withSettings, app), spec.name).not.toHaveProperty('ADMIN_GROUP_EMAIL');
        expect(env(withSettings, app), spec.name).not.toHaveProperty('ENABLED_INTEGRATIONS');
      }
    }
    expect(env(withSettings, sync!.sync)).not.toHaveProperty('ADMIN_GROUP_EMAIL');
    expect(env(withSettings, sync!.sync)).not.toHaveProperty('ENABLED_INTEGRATIONS');
    // Unset: no variable at all, so the function's own defaults (all integrations, Workspace admins only) apply.
    const unset = env(synthesized, synthesized.bridge.api!.functions.find((f) => f.spec.name === 'api')!.app);
    expect(unset).not.toHaveProperty('ADMIN_GROUP_EMAIL');
    expect(unset).not.toHaveProperty('ENABLED_INTEGRATIONS');
  });

  it('one function URL per HTTP function, IAM-authenticated (only CloudFront, signing with OAC, may call it), but the push receiver', () => {
    const template = synthesized.template(synthesized.bridge.api!);
    const urls = resourcesOf(template, 'AWS::Lambda::Url');
    expect(Object.keys(urls)).toHaveLength(FIXTURE_FUNCTIONS.length);
    for (const { spec, url } of synthesized.bridge.api!.functions) {
      // Google cannot sign for origin access control: the receiver checks the origin secret instead (test/infra/push.test.ts).
      expect(urls[logicalId(url)]!.Properties, spec.name).toMatchObject({
        AuthType: spec.googlePush ? 'NONE' : 'AWS_IAM',
        InvokeMode: 'BUFFERED',
      });
    }
  });
});

describe('sync stack', () => {
  it('schedules the sync with EventBridge Scheduler: async retries and a dead-letter queue for delivery failures', () => {
    const { sync } = synthesized.bridge;
    const template = synthesized.template(sync!);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(sync!.sync.fn), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(sync!.scheduleDeadLetters), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    });
  });

  it('gives the function an on-failure destination, two retries, and one run at a time', () => {
    const { sync } = synthesized.bridge;
    const template = synthesized.template(sync!);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(sync!.sync.fn) },
      MaximumRetryAttempts: 2,
      // Events wait here while the one slot is busy: as long as a run may last (its checkpoint's age limit).
      MaximumEventAgeInSeconds: CHECKPOINT_MAX_AGE_MS / 1000,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(sync!.failedRuns), 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'WorkspaceBridge-Sync-sync', ReservedConcurrentExecutions: 1 });
  });

  it("runs up to Lambda's 15 minutes: room for a 100,000-user fetch, with the handler's hand-over reserve inside it", () => {
    const { sync } = synthesized.bridge;
    const fn = resourcesOf(synthesized.template(sync!), 'AWS::Lambda::Function')[logicalId(sync!.sync.fn)]!.Properties as Json;
    expect(fn.Timeout).toBe(900);
    // The handler stops taking work when LAMBDA_RESERVE_MS remain; a crashed invocation's lease frees the slot within LEASE_DURATION_MS.
    expect(LAMBDA_RESERVE_MS + LEASE_DURATION_MS).toBeLessThan((fn.Timeout as number) * 1000);
    expect(CHECKPOINT_MAX_AGE_MS).toBeGreaterThan((fn.Timeout as number) * 1000);
  });

  it('keeps failures 14 days in encrypted queues that refuse plain HTTP', () => {
    const template = synthesized.template(synthesized.bridge.sync!);
    const queues = Object.values(resourcesOf(template, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const q of queues) expect(q.Properties).toMatchObject({ MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true });
    expect(Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')).map((p) => JSON.stringify(p))).toEqual([
      expect.stringContaining('"aws:SecureTransport":"false"'),
      expect.stringContaining('"aws:SecureTransport":"false"'),
    ]);
  });
});

describe('web stack', () => {
  const distribution = () =>
    (onlyResource(synthesized.template(synthesized.bridge.web), 'AWS::CloudFront::Distribution').Properties as Json)
      .DistributionConfig as Json;

  it('routes the catalog patterns, in catalog order, to the function URLs: uncached, all methods, everything but Host forwarded', () => {
    const behaviors = distribution().CacheBehaviors as Json[];
    expect(behaviors.map((b) => b.PathPattern)).toEqual(FIXTURE_FUNCTIONS.flatMap((f) => f.pathPatterns));
    const receiverPatterns = FIXTURE_FUNCTIONS.filter((f) => f.googlePush).flatMap((f) => f.pathPatterns);
    // The push receiver's behavior is its own (test/infra/push.test.ts).
    for (const b of behaviors.filter((b) => !receiverPatterns.includes(b.PathPattern as string))) {
      expect(b).toMatchObject({
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
        ViewerProtocolPolicy: 'redirect-to-https',
        ResponseHeadersPolicyId: { Ref: logicalId(descendant(synthesized.bridge.web, 'SecurityHeaders')) },
      });
    }
    // Each function has its own origin, and the behavior for a function's pattern targets that function's URL.
    const origins = distribution().Origins as Json[];
    FIXTURE_FUNCTIONS.forEach((spec, i) => {
      const origin = origins.find((o) => o.Id === behaviors[i]!.TargetOriginId)!;
      expect(JSON.stringify(origin.DomainName)).toContain(logicalId(synthesized.bridge.api!.functions[i]!.url));
    });
  });

  it('signs requests to the bucket and to every function URL with origin access control', () => {
    const template = synthesized.template(synthesized.bridge.web);
    const oacs = resourcesOf(template, 'AWS::CloudFront::OriginAccessControl');
    const byType = Object.fromEntries(
      Object.entries(oacs).map(([id, r]) => [
        ((r.Properties as Json).OriginAccessControlConfig as Json).OriginAccessControlOriginType,
        { id, config: (r.Properties as Json).OriginAccessControlConfig },
      ]),
    );
    expect(byType.s3!.config).toMatchObject({ SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(byType.lambda!.config).toMatchObject({ SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    const origins = distribution().Origins as Json[];
    expect(origins).toHaveLength(1 + FIXTURE_FUNCTIONS.length);
    const receiverUrls = synthesized.bridge.api!.functions.filter((f) => f.spec.googlePush).map((f) => logicalId(f.url));
    const signed = origins.filter((o) => !receiverUrls.some((id) => JSON.stringify(o.DomainName).includes(id)));
    expect(signed).toHaveLength(1 + FIXTURE_FUNCTIONS.length - receiverUrls.length);
    for (const origin of signed) {
      const expected = origin.S3OriginConfig ? byType.s3!.id : byType.lambda!.id;
      expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [expected, 'Id'] });
    }
    // CloudFront — and only this distribution — may invoke each signed function URL.
    const permissions = Object.values(resourcesOf(template, 'AWS::Lambda::Permission')).map((p) => p.Properties as Json);
    expect(permissions).toHaveLength(2 * (FIXTURE_FUNCTIONS.length - receiverUrls.length));
    for (const p of permissions) {
      expect(p.Principal).toBe('cloudfront.amazonaws.com');
      expect(JSON.stringify(p.SourceArn)).toContain(logicalId(synthesized.bridge.web.distribution));
    }
    const bucket = resourcesOf(template, 'AWS::S3::Bucket')[logicalId(synthesized.bridge.web.bucket)]!.Properties as Json;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('S3 server access logs reach the log bucket through its bucket policy, not an ACL grant (feature flag serverAccessLogsUseBucketPolicy)', () => {
    const template = synthesized.template(synthesized.bridge.web);
    const logBucketId = logicalId(descendant(synthesized.bridge.web, 'AccessLogs'));
    const logBucket = resourcesOf(template, 'AWS::S3::Bucket')[logBucketId]!.Properties as Json;
    expect(logBucket).not.toHaveProperty('AccessControl');
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) =>
      JSON.stringify((p.Properties as Json).Bucket).includes(logBucketId),
    )!;
    const statements = ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Condition: expect.objectContaining({ ArnLike: expect.anything() }),
      }),
    );
    const webBucket = resourcesOf(template, 'AWS::S3::Bucket')[logicalId(synthesized.bridge.web.bucket)]!.Properties as Json;
    expect(webBucket.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logBucketId }, LogFilePrefix: 'web-bucket/' });
  });

  it('serves the static build as the default behavior: cached per Cache-Control, SPA fallback on viewer request only there', () => {
    const config = distribution();
    const fallback = logicalId(descendant(synthesized.bridge.web, 'SpaFallback'));
    expect(config.DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_OPTIMIZED,
      AllowedMethods: ['GET', 'HEAD'],
      FunctionAssociations: [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [fallback, 'FunctionARN'] } }],
    });
    for (const b of config.CacheBehaviors as Json[]) expect(b).not.toHaveProperty('FunctionAssociations');
    expect(config).not.toHaveProperty('CustomErrorResponses');
    expect(config).toMatchObject({ DefaultRootObject: 'index.html', HttpVersion: 'http2and3', Logging: expect.anything() });
  });

  it('deploys the build: hashed assets for a year and kept, pages revalidated, then the distribution invalidated', () => {
    const template = synthesized.template(synthesized.bridge.web);
    const deployments = Object.values(resourcesOf(template, 'Custom::CDKBucketDeployment')).map((d) => d.Properties as Json);
    expect(deployments).toEqual([
      expect.objectContaining({
        Include: ['assets/*'],
        Exclude: ['*'],
        Prune: false,
        SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      }),
      expect.objectContaining({
        Exclude: ['assets/*'],
        Prune: true,
        SystemMetadata: { 'cache-control': 'no-cache' },
        DistributionId: { Ref: logicalId(synthesized.bridge.web.distribution) },
        DistributionPaths: ['/*'],
      }),
    ]);
  });

  it('publishes no source maps: the build is staged without its .map files', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'wb-web-'));
    synthesize({ outdir });
    expect(existsSync(join(FIXTURE_WEB_BUILD, 'assets', 'index-Bq3xY7zK.js.map'))).toBe(true);
    const staged = (await readdir(outdir)).filter((name) => name.startsWith('asset.') && existsSync(join(outdir, name, 'index.html')));
    expect(staged).toHaveLength(1);
    const files = await readdir(join(outdir, staged[0]!), { recursive: true });
    expect(files).toContain(join('assets', 'index-Bq3xY7zK.js'));
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  });

  it('uses the custom domain with TLS 1.2 when one is configured', () => {
    const custom = synthesize({
      context: {
        googleClientId: '1234-abc.apps.googleusercontent.com',
        allowedDomains: 'example.com',
        adminSubject: 'admin@example.com',
        customDomain: 'intranet.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234',
        webBuildDir: 'test/infra/fixtures/web',
      },
    });
    const config = (onlyResource(custom.template(custom.bridge.web), 'AWS::CloudFront::Distribution').Properties as Json)
      .DistributionConfig as Json;
    expect(config).toMatchObject({
      Aliases: ['intranet.example.com'],
      ViewerCertificate: {
        AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234',
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    });
    custom.template(custom.bridge.api!).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ APP_ORIGIN: 'https://intranet.example.com' }) },
    });
  });
});

describe('monitoring stack', () => {
  it("alarms on every function's errors and throttles, every failure queue, the push channels and the 5xx rate, all to one topic", () => {
    const { monitoring } = synthesized.bridge;
    const template = synthesized.template(monitoring);
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties as Json);
    const topic = { Ref: logicalId(monitoring.topic) };
    for (const alarm of alarms) expect(alarm.AlarmActions).toEqual([topic]);
    const byMetric = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(byMetric('Errors')).toHaveLength(4 + FIXTURE_FUNCTIONS.length); // rotation, sync, push worker and channel manager, HTTP functions
    expect(byMetric('Throttles')).toHaveLength(3 + FIXTURE_FUNCTIONS.length); // not the sync: see below
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(5); // the sync's two failure queues, push's three
    expect(byMetric('DurationMs')).toHaveLength(2); // sync runs failed, refused
    expect(byMetric('AsyncEventsDropped')).toHaveLength(1);
    for (const alarm of alarms) expect(alarm.AlarmDescription).toMatch(/docs\/operations\.md, alarm \w+/);
    expect(byMetric('LiveFeeds')).toHaveLength(1);
    expect(byMetric('ChannelsPastExpiry')).toHaveLength(1);
    const rate = alarms.filter((a) => a.Metrics);
    expect(rate).toHaveLength(1);
    const expression = (rate[0]!.Metrics as Json[]).find((m) => m.Expression)!.Expression as string;
    expect(expression).toBe(
      `100 * (${FIXTURE_FUNCTIONS.map((_, i) => `e${i}`).join(' + ')}) / (${FIXTURE_FUNCTIONS.map((_, i) => `r${i}`).join(' + ')})`,
    );
    expect(rate[0]!.Threshold).toBe(5);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  const monitoringAlarms = () =>
    Object.values(resourcesOf(synthesized.template(synthesized.bridge.monitoring), 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Json,
    );
  const syncFunctionRef = () => ({ 'Fn::ImportValue': expect.stringContaining(logicalId(synthesized.bridge.sync!.sync.fn)) });

  it.each([
    ['failed', 'SyncRunFailed'],
    ['refused', 'SyncRunRefused'],
  ])('alarms on any sync run that ended %s (the handler returns normally, so Lambda Errors never sees it)', (status, id) => {
    const matching = monitoringAlarms().filter(
      (a) => a.Namespace === SYNC_RUN_METRICS.namespace && JSON.stringify(a.Dimensions).includes(`"${status}"`),
    );
    expect(matching).toEqual([
      {
        Namespace: 'WorkspaceBridge/Sync',
        MetricName: 'DurationMs',
        Dimensions: [{ Name: 'status', Value: status }],
        Statistic: 'SampleCount',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: logicalId(synthesized.bridge.monitoring.topic) }],
        AlarmDescription: expect.stringContaining(`docs/operations.md, alarm ${id}`),
      },
    ]);
  });

  it('the sync run alarms watch exactly what the handler logs: its EMF namespace, dimension and per-run metric', () => {
    const record = {
      runId: 'r',
      status: 'failed',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:01:00.000Z',
      durationMs: 60_000,
      forced: false,
      counts: { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0 },
      memberships: { groupsChanged: 0, added: 0, removed: 0 },
      apiCalls: 0,
      retries: 0,
      itemWrites: 0,
      invocations: 1,
      errors: [],
    } as const;
    const line = runMetrics(record as unknown as Parameters<typeof runMetrics>[0]) as {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    } & Json;
    const [directive] = line._aws.CloudWatchMetrics;
    expect(directive!.Namespace).toBe(SYNC_RUN_METRICS.namespace);
    expect(directive!.Dimensions).toEqual([[SYNC_RUN_METRICS.statusDimension]]);
    expect(directive!.Metrics.map((m) => m.Name)).toContain(SYNC_RUN_METRICS.perRun);
    expect(line[SYNC_RUN_METRICS.statusDimension]).toBe('failed');
    expect(line[SYNC_RUN_METRICS.perRun]).toBe(60_000);
  });

  it('no throttle alarm for the sync (its queued async events are retried by Lambda); it alarms on dropped events instead', () => {
    const forSync = monitoringAlarms().filter(
      (a) => a.Namespace === 'AWS/Lambda' && JSON.stringify(a.Dimensions).includes(logicalId(synthesized.bridge.sync!.sync.fn)),
    );
    expect(forSync.map((a) => a.MetricName).sort()).toEqual(['AsyncEventsDropped', 'Errors']);
    expect(forSync.find((a) => a.MetricName === 'AsyncEventsDropped')).toMatchObject({
      Dimensions: [{ Name: 'FunctionName', Value: syncFunctionRef() }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(synthesized.bridge.monitoring.topic) }],
    });
  });
});
