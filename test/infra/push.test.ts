import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PUSH_MAX_RECEIVES } from '../../infra/constructs/push-queue.js';
import { PUSH_WORKER_TIMEOUT } from '../../infra/constructs/push-worker.js';
import { ORIGIN_SECRET_HEADER } from '../../shared/domain/push/token.js';
import { PUSH_CHANNEL_METRICS } from '../../shared/services/push/metrics.js';
import { NOTIFICATION_HEADERS } from '../../shared/services/push/receiver.js';
import { FULL_CONTEXT, onlyResource, resourcesOf, synthesize, type Synthesized } from './support.js';

type Json = Record<string, unknown>;

const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';

let synthesized: Synthesized;
beforeAll(() => {
  synthesized = synthesize();
});

const stackOf = (construct: IConstruct): Stack => construct.node.scopes.find((s): s is Stack => 'templateOptions' in s)!;
const logicalId = (construct: IConstruct): string =>
  stackOf(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const propertiesOf = (construct: IConstruct): Json =>
  synthesized.template(stackOf(construct)).toJSON().Resources[logicalId(construct)].Properties as Json;
const receiver = () => synthesized.bridge.api!.functions.find((f) => f.spec.googlePush)!;
const push = () => synthesized.bridge.push!;
const distribution = () =>
  (onlyResource(synthesized.template(synthesized.bridge.web), 'AWS::CloudFront::Distribution').Properties as Json)
    .DistributionConfig as Json;
/** A Secrets Manager dynamic reference to the push stack's origin secret, as CloudFormation resolves it at deploy. */
const resolvesOriginSecret = (value: unknown): void => {
  const text = JSON.stringify(value);
  expect(text).toContain('{{resolve:secretsmanager:');
  expect(text).toContain(logicalId(push().originSecret));
};

describe('push receiver', () => {
  it('is reached at /hooks/google through the distribution: no origin access control, the origin secret added, HTTPS only, uncached', () => {
    const behavior = (distribution().CacheBehaviors as Json[]).find((b) => b.PathPattern === '/hooks/google')!;
    expect(behavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      CachePolicyId: CACHING_DISABLED,
      ResponseHeadersPolicyId: { Ref: logicalId(synthesized.bridge.web.node.findAll().find((c) => c.node.id === 'SecurityHeaders')!) },
    });
    const origin = (distribution().Origins as Json[]).find((o) => o.Id === behavior.TargetOriginId)!;
    expect(JSON.stringify(origin.DomainName)).toContain(logicalId(receiver().url));
    expect(origin).not.toHaveProperty('OriginAccessControlId');
    const headers = origin.OriginCustomHeaders as Json[];
    expect(headers.map((h) => h.HeaderName)).toEqual([ORIGIN_SECRET_HEADER]);
    resolvesOriginSecret(headers[0]!.HeaderValue);
  });

  it("forwards Google's notification headers and nothing else of the viewer's: no cookies, no query string, no Host", () => {
    const behavior = (distribution().CacheBehaviors as Json[]).find((b) => b.PathPattern === '/hooks/google')!;
    const policies = resourcesOf(synthesized.template(synthesized.bridge.web), 'AWS::CloudFront::OriginRequestPolicy');
    const policy = policies[(behavior.OriginRequestPolicyId as { Ref: string }).Ref]!;
    expect((policy.Properties as Json).OriginRequestPolicyConfig as Json).toMatchObject({
      HeadersConfig: { HeaderBehavior: 'whitelist', Headers: [...NOTIFICATION_HEADERS] },
      CookiesConfig: { CookieBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
    });
  });

  it('has a public function URL (Google cannot sign) and the origin secret in its environment, resolved at deploy, never literal', () => {
    expect(propertiesOf(receiver().url)).toMatchObject({ AuthType: 'NONE' });
    const env = (propertiesOf(receiver().app.fn).Environment as { Variables: Json }).Variables;
    resolvesOriginSecret(env.PUSH_ORIGIN_SECRET);
    expect(JSON.stringify(env.PUSH_QUEUE_URL)).toContain(logicalId(push().queue.queue));
    expect(env.PUSH_ENABLED).toBe('true');
  });

  it('runs under its own reserved concurrency: 5 by default, the setting pushReceiverConcurrency otherwise', () => {
    expect(propertiesOf(receiver().app.fn).ReservedConcurrentExecutions).toBe(5);
    const capped = synthesize({ context: { ...FULL_CONTEXT, pushReceiverConcurrency: '2' } });
    const fn = capped.bridge.api!.functions.find((f) => f.spec.googlePush)!.app.fn;
    const properties = capped.template(capped.bridge.api!).toJSON().Resources[
      capped.bridge.api!.getLogicalId(fn.node.defaultChild as CfnElement)
    ].Properties as Json;
    expect(properties.ReservedConcurrentExecutions).toBe(2);
    expect(() => synthesize({ context: { ...FULL_CONTEXT, pushReceiverConcurrency: '0' } })).toThrow(/pushReceiverConcurrency/);
  });
});

describe('push queue', () => {
  it('encrypts both queues and refuses plain HTTP on both', () => {
    const template = synthesized.template(push());
    for (const queue of [push().queue.queue, push().queue.deadLetters]) {
      expect(propertiesOf(queue).SqsManagedSseEnabled).toBe(true);
      const policy = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy')).find((p) =>
        JSON.stringify((p.Properties as Json).Queues).includes(logicalId(queue)),
      )!;
      expect(((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('moves a message to the dead-letter queue after 5 deliveries; hides a taken one for six times the worker timeout', () => {
    expect(propertiesOf(push().queue.queue)).toMatchObject({
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(push().queue.deadLetters), 'Arn'] },
        maxReceiveCount: PUSH_MAX_RECEIVES,
      },
      VisibilityTimeout: 6 * PUSH_WORKER_TIMEOUT.toSeconds(),
    });
    expect((propertiesOf(push().worker.fn).Timeout as number) * 6).toBeLessThanOrEqual(
      propertiesOf(push().queue.queue).VisibilityTimeout as number,
    );
  });
});

describe('push worker', () => {
  it('reads the queue in coalesced batches, at most two at a time, reporting failed messages only', () => {
    const mapping = onlyResource(synthesized.template(push()), 'AWS::Lambda::EventSourceMapping').Properties as Json;
    expect(mapping).toMatchObject({
      FunctionName: { Ref: logicalId(push().worker.fn) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(push().queue.queue), 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 2 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('cannot be invoked by the web: no URL, no resource policy, and no role anywhere may invoke it', () => {
    const workerId = logicalId(push().worker.fn);
    const { data, api, sync, web, monitoring } = synthesized.bridge;
    for (const stack of [data, push(), api!, sync!, web, monitoring]) {
      const template = synthesized.template(stack);
      for (const url of Object.values(resourcesOf(template, 'AWS::Lambda::Url')))
        expect(JSON.stringify(url.Properties), stack.stackName).not.toContain(workerId);
      for (const permission of Object.values(resourcesOf(template, 'AWS::Lambda::Permission')))
        expect(JSON.stringify(permission.Properties), stack.stackName).not.toContain(workerId);
      for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
        for (const statement of ((policy.Properties as Json).PolicyDocument as { Statement: Json[] }).Statement) {
          if (JSON.stringify(statement.Action).includes('lambda:'))
            expect(JSON.stringify(statement.Resource), stack.stackName).not.toContain(workerId);
        }
      }
    }
  });
});

describe('push channel manager', () => {
  it('runs every 30 minutes from EventBridge Scheduler, with a dead-letter queue, an on-failure destination and one run at a time', () => {
    const template = synthesized.template(push());
    const {
      manager,
      failures: { scheduleDeadLetters, failedRuns },
    } = push().channels;
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(30 minutes)',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId(manager.fn), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(scheduleDeadLetters), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 3 },
      },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(manager.fn) },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(failedRuns), 'Arn'] } } },
    });
    expect(propertiesOf(manager.fn).ReservedConcurrentExecutions).toBe(1);
  });
});

describe('push alarms', () => {
  const alarms = () =>
    Object.values(resourcesOf(synthesized.template(synthesized.bridge.monitoring), 'AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties as Json,
    );
  const topic = () => [{ Ref: logicalId(synthesized.bridge.monitoring.topic) }];

  it.each([
    ['the push dead-letter queue', () => push().queue.deadLetters],
    ["the channel schedule's dead-letter queue", () => push().channels.failures.scheduleDeadLetters],
    ["the channel manager's failed runs", () => push().channels.failures.failedRuns],
  ])('%s: any message alarms', (_, queue) => {
    const id = logicalId(queue());
    const matching = alarms().filter(
      (a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Dimensions).includes(id),
    );
    expect(matching).toEqual([
      expect.objectContaining({
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: topic(),
      }),
    ]);
  });

  it('the worker and the channel manager alarm on errors', () => {
    for (const app of [push().worker, push().channels.manager]) {
      const id = logicalId(app.fn);
      expect(alarms().filter((a) => a.MetricName === 'Errors' && JSON.stringify(a.Dimensions).includes(id))).toHaveLength(1);
    }
  });

  it("a channel past expiry alarms; fewer live feeds than watched, or the manager's silence for two hours, alarms", () => {
    const { namespace, pastExpiry, liveFeeds, feedCount } = PUSH_CHANNEL_METRICS;
    expect(alarms().find((a) => a.MetricName === pastExpiry)).toMatchObject({
      Namespace: namespace,
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: topic(),
    });
    expect(alarms().find((a) => a.MetricName === liveFeeds)).toMatchObject({
      Namespace: namespace,
      Statistic: 'Minimum',
      Period: 3600,
      EvaluationPeriods: 2,
      Threshold: feedCount,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: topic(),
    });
  });
});

describe('push off (-c push=false)', () => {
  it('deploys no push stack, no receiver, no /hooks behavior; every function is told push is off', () => {
    const off = synthesize({ context: { ...FULL_CONTEXT, push: 'false' } });
    expect(off.bridge.push).toBeUndefined();
    expect(off.bridge.api!.functions.map((f) => f.spec.name)).not.toContain('push-receiver');
    const config = (onlyResource(off.template(off.bridge.web), 'AWS::CloudFront::Distribution').Properties as Json)
      .DistributionConfig as Json;
    expect((config.CacheBehaviors as Json[]).map((b) => b.PathPattern)).not.toContain('/hooks/google');
    for (const { app } of off.bridge.api!.functions) {
      const fn = off.template(off.bridge.api!).toJSON().Resources[off.bridge.api!.getLogicalId(app.fn.node.defaultChild as CfnElement)];
      expect(fn.Properties.Environment.Variables.PUSH_ENABLED).toBe('false');
    }
    const alarmMetrics = Object.values(resourcesOf(off.template(off.bridge.monitoring), 'AWS::CloudWatch::Alarm')).map(
      (a) => (a.Properties as Json).MetricName,
    );
    expect(alarmMetrics).not.toContain(PUSH_CHANNEL_METRICS.liveFeeds);
    expect(() => synthesize({ context: { ...FULL_CONTEXT, push: 'maybe' } })).toThrow(/push/);
  });
});
