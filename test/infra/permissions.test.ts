import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS } from '../../functions/catalog.js';
import { HTTP_FUNCTION_PERMISSIONS, type PermissionProfile } from '../../infra/permissions.js';
import { descendant, resourcesOf, synthesize, type Synthesized } from './support.js';

type Json = Record<string, unknown>;
interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** The `dynamodb:LeadingKeys` patterns a statement is limited to, when it is. */
  readonly leadingKeys?: readonly string[];
}

let synthesized: Synthesized;
let realCatalog: Synthesized;
/** Logical id (as it appears in refs, getatts and export names) → readable label. */
const labels = new Map<string, string>();

const logicalId = (construct: IConstruct): string => {
  const stack = construct.node.scopes.find((s): s is Stack => 'templateOptions' in s)!;
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
};

beforeAll(() => {
  synthesized = synthesize();
  realCatalog = synthesize({ httpFunctions: HTTP_FUNCTIONS });
  for (const { spec, app } of realCatalog.bridge.api!.functions) labels.set(logicalId(app.logGroup), `logs:${spec.name}`);
  const { data, api, sync } = synthesized.bridge;
  labels.set(logicalId(data.table), 'table');
  for (const [name, secret] of Object.entries(data.secrets)) labels.set(logicalId(secret), `secret:${name}`);
  labels.set(logicalId(data.rotation.logGroup), 'logs:rotation');
  for (const { spec, app } of api!.functions) labels.set(logicalId(app.logGroup), `logs:${spec.name}`);
  labels.set(logicalId(sync!.sync.logGroup), 'logs:sync');
  labels.set(logicalId(sync!.failedRuns), 'queue:failedRuns');
  for (const { push } of [synthesized.bridge, realCatalog.bridge]) {
    labels.set(logicalId(push!.queue.queue), 'queue:push');
    labels.set(logicalId(push!.queue.deadLetters), 'queue:pushDeadLetters');
    labels.set(logicalId(push!.worker.logGroup), 'logs:push-worker');
    labels.set(logicalId(push!.channels.manager.logGroup), 'logs:push-channels');
    labels.set(logicalId(push!.channels.failures.failedRuns), 'queue:failedChannelRuns');
    labels.set(logicalId(push!.channels.failures.scheduleDeadLetters), 'queue:channelScheduleDeadLetters');
    labels.set(logicalId(push!.channels.manager.fn), 'fn:push-channels');
  }
});

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = value as Json;
  if ('Fn::Join' in json) {
    const [separator, parts] = json['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(separator);
  }
  const reference = (json.Ref ?? (json['Fn::GetAtt'] as string[] | undefined)?.[0] ?? json['Fn::ImportValue']) as string;
  if (reference.startsWith('AWS::')) return `\${${reference}}`;
  for (const [id, label] of labels) if (reference.includes(id)) return label;
  return reference;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every Allow statement of the inline policies attached to a role, rendered readable and sorted. */
function statementsOf(template: Template, roleLogicalId: string): Statement[] {
  const statements: Statement[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const properties = policy.Properties as Json;
    if (!(properties.Roles as Json[]).some((r) => r.Ref === roleLogicalId)) continue;
    for (const statement of (properties.PolicyDocument as Json).Statement as Json[]) {
      expect(statement.Effect).toBe('Allow');
      const leadingKeys = ((statement.Condition as Json | undefined)?.['ForAllValues:StringLike'] as Json | undefined)?.[
        'dynamodb:LeadingKeys'
      ] as string[] | undefined;
      statements.push({
        actions: asList(statement.Action as string | string[]).sort(),
        resources: asList(statement.Resource).map(render).sort(),
        ...(leadingKeys ? { leadingKeys: [...leadingKeys].sort() } : {}),
      });
    }
  }
  return statements.sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!));
}

function roleOf(stackTemplate: Template, roleLogicalId: string): Json {
  return resourcesOf(stackTemplate, 'AWS::IAM::Role')[roleLogicalId]!;
}

/** Invoking the sync function by name: the sync itself (continuations) and the API (an admin's run now). */
const INVOKE_SYNC: Statement = {
  actions: ['lambda:InvokeFunction'],
  resources: ['arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:WorkspaceBridge-Sync-sync'],
};
/** DynamoDB actions on the table itself (never Scan, never table management). */
const onTable = (...actions: string[]): Statement => ({ actions: actions.map((a) => `dynamodb:${a}`).sort(), resources: ['table'] });
/** Writes on the table limited, by `dynamodb:LeadingKeys`, to items whose partition key matches one of `partitions`. */
const writesUnder = (partitions: string[], ...actions: string[]): Statement => ({
  ...onTable(...actions),
  leadingKeys: [...partitions].sort(),
});
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
const READS = new Set(['GetItem', 'BatchGetItem', 'Query']);
/** Query, and only Query, on the indexes the code queries. */
const queries = (...indexes: string[]): Statement => ({ actions: ['dynamodb:Query'], resources: indexes.map((i) => `table/index/${i}`) });
/** What a profile renders to, for the real catalog (the exact lists are spelled out in the tests above it). */
const tableStatements = (profile: PermissionProfile): Statement[] => {
  if (!profile.table) return [];
  const { actions, writesUnder: writePartitions, readsUnder: readPartitions, queriedIndexes } = profile.table;
  const writes = writePartitions ? actions.filter((a) => WRITES.has(a)) : [];
  const reads = readPartitions ? actions.filter((a) => READS.has(a)) : [];
  const rest = actions.filter((a) => !writes.includes(a) && !reads.includes(a));
  return [
    ...(rest.length > 0 ? [onTable(...rest)] : []),
    // The same LeadingKeys condition limits reads as writes.
    ...(writes.length > 0 ? [writesUnder([...writePartitions!], ...writes)] : []),
    ...(reads.length > 0 ? [writesUnder([...readPartitions!], ...reads)] : []),
    ...(queriedIndexes.length > 0 ? [queries(...queriedIndexes)] : []),
  ];
};
/** The push receiver's only way to the worker: SendMessage to the push queue. */
const SEND_PUSH_CHANGES: Statement = { actions: ['sqs:SendMessage'], resources: ['queue:push'] };
const logs = (name: string): Statement => ({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`logs:${name}`] });
const readSecrets = (...names: string[]): Statement => ({
  actions: ['secretsmanager:GetSecretValue'],
  resources: names.map((n) => `secret:${n}`),
});
// Resource order is not meaningful (aws-cdk-lib's minimizePolicies flag sorts them).
const sorted = (statements: Statement[]) =>
  statements.map((s) => ({ ...s, resources: [...s.resources].sort() })).sort((a, b) => a.actions[0]!.localeCompare(b.actions[0]!));

describe('function roles: exactly what each function code uses', () => {
  it.each([
    // The login transaction lives in an encrypted cookie: no DynamoDB call, so no table grant at all.
    ['auth-login', [logs('auth-login'), readSecrets('sessionKeys')]],
    // Writes only where each function's items live: sessions (SESSION#…), one-user fetch requests (USERFETCH#…), the audit log.
    [
      'auth-callback',
      [
        logs('auth-callback'),
        onTable('GetItem'),
        writesUnder(['SESSION#*', 'USERFETCH#*'], 'PutItem', 'UpdateItem', 'DeleteItem'),
        readSecrets('sessionKeys', 'googleClientSecret'),
        INVOKE_SYNC,
      ],
    ],
    [
      'auth-session',
      [
        logs('auth-session'),
        onTable('GetItem'),
        writesUnder(['SESSION#*'], 'UpdateItem', 'DeleteItem'),
        queries('gsi1'),
        readSecrets('sessionKeys'),
      ],
    ],
    [
      'api',
      [
        logs('api'),
        onTable('GetItem', 'BatchGetItem', 'Query'),
        writesUnder(['AUDIT', 'SESSION#*'], 'PutItem', 'UpdateItem', 'DeleteItem'),
        queries('gsi1', 'gsi2'),
        readSecrets('sessionKeys'),
        INVOKE_SYNC,
      ],
    ],
    // Google's notifications: reads channel items only, writes channel and seen-message items only,
    // sends to the push queue; no secret (so no Google key and no session keys), nothing else.
    [
      'push-receiver',
      [
        logs('push-receiver'),
        writesUnder(['PUSHCHANNEL#*'], 'GetItem'),
        writesUnder(['PUSHCHANNEL#*', 'PUSHSEEN#*#*'], 'PutItem', 'UpdateItem', 'DeleteItem'),
        SEND_PUSH_CHANGES,
      ],
    ],
  ])('%s', (name, expected) => {
    const { api } = synthesized.bridge;
    const deployed = api!.functions.find((f) => f.spec.name === name)!;
    const template = synthesized.template(api!);
    const roleId = logicalId(deployed.app.role);
    expect(statementsOf(template, roleId)).toEqual(sorted(expected));
    expect(roleOf(template, roleId).Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it("api and sign-in's callback: name the sync function they may invoke (run now, one-user fetch); no other HTTP function does", () => {
    const { api } = synthesized.bridge;
    const template = synthesized.template(api!);
    for (const { spec, app } of api!.functions) {
      const variables = (resourcesOf(template, 'AWS::Lambda::Function')[logicalId(app.fn)]!.Properties as Json).Environment as {
        Variables: Json;
      };
      expect(variables.Variables.SYNC_FUNCTION_NAME, spec.name).toBe(
        ['api', 'auth-callback'].includes(spec.name) ? 'WorkspaceBridge-Sync-sync' : undefined,
      );
      // A full vCPU for the API: its cold start loads the people search index.
      expect((resourcesOf(template, 'AWS::Lambda::Function')[logicalId(app.fn)]!.Properties as Json).MemorySize, spec.name).toBe(
        spec.name === 'api' ? 1769 : 512,
      );
    }
  });

  it.each(HTTP_FUNCTIONS.map((f) => [f.name]))('%s as functions/catalog.ts deploys it: its profile, nothing more', (name) => {
    const { api } = realCatalog.bridge;
    const deployed = api!.functions.find((f) => f.spec.name === name)!;
    const profile = HTTP_FUNCTION_PERMISSIONS[name]!;
    const expected = [
      logs(name),
      ...tableStatements(profile),
      ...(profile.secrets.length > 0 ? [readSecrets(...profile.secrets)] : []),
      ...(profile.invokesSync ? [INVOKE_SYNC] : []),
      ...(profile.sendsPushChanges ? [SEND_PUSH_CHANGES] : []),
    ];
    expect(statementsOf(realCatalog.template(api!), logicalId(deployed.app.role))).toEqual(sorted(expected));
  });

  it('sync: the service-account key, the table, its failure queue and invoking itself (by name, not by reference)', () => {
    const { sync } = synthesized.bridge;
    const template = synthesized.template(sync!);
    const roleId = logicalId(sync!.sync.role);
    expect(statementsOf(template, roleId)).toEqual(
      sorted([
        logs('sync'),
        onTable('GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'),
        queries('gsi1', 'gsi2'),
        readSecrets('serviceAccountKey'),
        INVOKE_SYNC,
        { actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], resources: ['queue:failedRuns'] },
      ]),
    );
    expect(roleOf(template, roleId).Properties).not.toHaveProperty('ManagedPolicyArns');
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'WorkspaceBridge-Sync-sync',
      Role: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
  });

  it('push worker: the directory writes the targeted sync makes, the Google key, and consuming the push queue; nothing else', () => {
    const { push } = synthesized.bridge;
    const roleId = logicalId(push!.worker.role);
    expect(statementsOf(synthesized.template(push!), roleId)).toEqual(
      sorted([
        logs('push-worker'),
        onTable('GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'),
        queries('gsi1', 'gsi2'),
        readSecrets('serviceAccountKey'),
        {
          actions: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
          resources: ['queue:push'],
        },
      ]),
    );
    expect(roleOf(synthesized.template(push!), roleId).Properties).not.toHaveProperty('ManagedPolicyArns');
  });

  it('push channel manager: channel items only for writes, the Google key, its failure queue; nothing else', () => {
    const { push } = synthesized.bridge;
    expect(statementsOf(synthesized.template(push!), logicalId(push!.channels.manager.role))).toEqual(
      sorted([
        logs('push-channels'),
        // Query of the table (push counters, run records) and of gsi1 (the channels), merged into one statement by CDK.
        { actions: ['dynamodb:Query'], resources: ['table', 'table/index/gsi1'] },
        writesUnder(['PUSHCHANNEL#*'], 'PutItem', 'UpdateItem', 'DeleteItem'),
        readSecrets('serviceAccountKey'),
        { actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], resources: ['queue:failedChannelRuns'] },
      ]),
    );
  });

  it('rotation: manages versions of the session key ring and nothing else', () => {
    const { data } = synthesized.bridge;
    const template = synthesized.template(data);
    expect(statementsOf(template, logicalId(data.rotation.role))).toEqual(
      sorted([
        logs('rotation'),
        {
          actions: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          resources: ['secret:sessionKeys'],
        },
      ]),
    );
  });

  it('who reads which secret: the service-account key only the functions that call Google (sync, push worker, channel manager), the client secret only the callback, the key ring only sign-in and API', () => {
    const { api, sync, data, push } = synthesized.bridge;
    const readers: Record<string, string[]> = {};
    const consider = (name: string, template: Template, roleId: string) => {
      for (const statement of statementsOf(template, roleId)) {
        for (const resource of statement.resources.filter((r) => r.startsWith('secret:'))) (readers[resource] ??= []).push(name);
      }
    };
    for (const { spec, app } of api!.functions) consider(spec.name, synthesized.template(api!), logicalId(app.role));
    consider('sync', synthesized.template(sync!), logicalId(sync!.sync.role));
    consider('rotation', synthesized.template(data), logicalId(data.rotation.role));
    consider('push-worker', synthesized.template(push!), logicalId(push!.worker.role));
    consider('push-channels', synthesized.template(push!), logicalId(push!.channels.manager.role));
    expect(readers).toEqual({
      'secret:serviceAccountKey': ['sync', 'push-worker', 'push-channels'],
      'secret:googleClientSecret': ['auth-callback'],
      'secret:sessionKeys': ['auth-login', 'auth-callback', 'auth-session', 'api', 'rotation'],
    });
  });

  it("no role has a wildcard resource but the deployment role (BucketDeployment's grants) and the schedulers (versions of sync, of the channel manager)", () => {
    const { data, api, sync, push, web, monitoring } = synthesized.bridge;
    const channelScheduler = logicalId(push!.channels.node.findChild('Schedule').node.findChild('SchedulerRole'));
    for (const stack of [data, api!, push!, monitoring]) {
      // Resources only: a LeadingKeys condition's patterns (SESSION#*) are meant to hold a wildcard.
      const resources = Object.values(resourcesOf(synthesized.template(stack), 'AWS::IAM::Policy'))
        .filter((policy) => !JSON.stringify((policy.Properties as Json).Roles).includes(channelScheduler))
        .flatMap((policy) =>
          ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement.map((statement) => statement.Resource),
        );
      expect(JSON.stringify(resources), stack.stackName).not.toMatch(/\*"/);
    }
    const syncTemplate = synthesized.template(sync!);
    const syncId = logicalId(sync!.sync.fn);
    expect(statementsOf(syncTemplate, logicalId(descendant(sync!, 'SchedulerRole')))).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: [syncId, `${syncId}:*`] },
      { actions: ['sqs:SendMessage'], resources: [logicalId(sync!.scheduleDeadLetters)] },
    ]);
    // The channel manager's scheduler: invoke the manager (and its versions) and nothing else.
    expect(statementsOf(synthesized.template(push!), channelScheduler)).toEqual([
      { actions: ['lambda:InvokeFunction'], resources: ['fn:push-channels', 'fn:push-channels:*'] },
      { actions: ['sqs:SendMessage'], resources: ['queue:channelScheduleDeadLetters'] },
    ]);
    const webPolicies = resourcesOf(synthesized.template(web), 'AWS::IAM::Policy');
    const deploymentRole = logicalId(descendant(web, 'DeploymentRole'));
    for (const policy of Object.values(webPolicies)) expect((policy.Properties as Json).Roles).toEqual([{ Ref: deploymentRole }]);
  });

  it('the web bucket is writable only by the deployment; CloudFront may only read it', () => {
    const { web } = synthesized.bridge;
    const template = synthesized.template(web);
    const bucketId = logicalId(web.bucket);
    const writers = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
      ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement.some(
        (s) => JSON.stringify(s.Resource).includes(bucketId) && asList(s.Action as string[]).some((a) => /^s3:(Put|Delete|\*)/.test(a)),
      ),
    );
    expect(writers.map((p) => (p.Properties as Json).Roles)).toEqual([[{ Ref: logicalId(descendant(web, 'DeploymentRole')) }]]);
    const bucketPolicy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy')).find((p) =>
      JSON.stringify((p.Properties as Json).Bucket).includes(bucketId),
    )!;
    const allows = ((bucketPolicy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement.filter(
      (s) => s.Effect === 'Allow',
    );
    expect(allows).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) } },
      }),
    ]);
  });
});
