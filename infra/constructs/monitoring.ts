import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type AlarmProps,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { RunStatus } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { PUSH_CHANNEL_METRICS } from '../../shared/services/push/metrics.js';
import type { AppFunction } from '../app-function.js';
import type { InfraConfig } from '../config.js';
import type { DeployedHttpFunction } from './http-endpoint.js';

export interface MonitoringProps {
  readonly config: InfraConfig;
  /** Every function but the sync, by display name: alarmed on errors and throttles. */
  readonly functions: Readonly<Record<string, AppFunction>>;
  /** The directory sync function, when deployed: alarmed on errors, dropped events and its runs' outcomes (not throttles). */
  readonly sync: AppFunction | undefined;
  readonly httpFunctions: readonly DeployedHttpFunction[];
  /** Queues whose depth means something failed, by display name. */
  readonly failureQueues: Readonly<Record<string, IQueue>>;
  /** Push is deployed: alarm on the channel manager's channel metrics. */
  readonly pushChannels: boolean;
  readonly distribution: IDistribution;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Share of function URL answers that may be 5xx before the alarm fires, in percent. */
export const SERVER_ERROR_RATE_PERCENT = 5;

/**
 * The metrics the sync handler logs per run in Embedded Metric Format (shared/services/sync/report.ts,
 * runMetrics; a test holds the two together). A run that fails or is refused still returns
 * normally, so Lambda's Errors metric never sees it: one sample of DurationMs per run, by status.
 */
export const SYNC_RUN_METRICS = { namespace: 'WorkspaceBridge/Sync', perRun: 'DurationMs', statusDimension: 'status' } as const;
/** A deployed run's status (dry runs are the CLI's only, and write no record). */
type SyncRunStatus = Exclude<RunStatus, 'dry-run'>;

/** Where every alarm description sends the reader: the operations runbook, one entry per alarm. */
const runbook = (alarmId: string) => `docs/operations.md, alarm ${alarmId}`;

/**
 * Alarms that mean "someone should look": any function error, any throttle of a function that
 * should never queue, any message in a failure queue (a sync that did not run or did not finish), a
 * sync run that failed or was refused, and a 5xx rate on the HTTP functions. All go to one SNS topic
 * (subscribe by email with `alarmEmail`). A small dashboard shows the same.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Alarms', { displayName: 'Workspace Bridge alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry only alarm names and states; ' +
        'CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, ' +
        'and a customer managed key would cost $1 a month while idle.',
    });
    if (props.config.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.config.alarmEmail));
    this.action = new SnsAction(this.topic);

    for (const [name, app] of Object.entries(props.functions)) {
      this.alarm(
        `${name}Errors`,
        app.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `Function ${name} failed (${runbook(`${name}Errors`)}).`,
      );
      this.alarm(
        `${name}Throttles`,
        app.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        `Function ${name} was throttled (${runbook(`${name}Throttles`)}).`,
      );
    }
    if (props.sync) this.alarmSync(props.sync);
    if (props.pushChannels) this.alarmPushChannels();
    for (const [name, queue] of Object.entries(props.failureQueues)) {
      this.alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        `${name}: messages waiting (${runbook(`${name}Depth`)}).`,
      );
    }
    const serverErrorRate = urlErrorRate(props.httpFunctions);
    if (serverErrorRate) {
      this.alarm(
        'ServerErrorRate',
        serverErrorRate,
        `More than ${SERVER_ERROR_RATE_PERCENT}% of function URL answers were 5xx (${runbook('ServerErrorRate')}).`,
        SERVER_ERROR_RATE_PERCENT,
      );
    }
    this.dashboard = this.addDashboard(props, serverErrorRate);
    const region = Stack.of(this).region;
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboard.dashboardName}`,
      description: 'The operations dashboard',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Every alarm notifies this topic (subscribe more addresses here)',
    });
  }

  private alarm(
    alarmId: string,
    metric: IMetric,
    description: string,
    threshold = 1,
    options: Partial<Pick<AlarmProps, 'comparisonOperator' | 'treatMissingData' | 'evaluationPeriods'>> = {},
  ): Alarm {
    const created = new Alarm(this, alarmId, {
      metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
      ...options,
    });
    created.addAlarmAction(this.action);
    this.alarms.push(created);
    return created;
  }

  private alarmSync(app: AppFunction): void {
    const sync = app.fn;
    this.alarm(
      'SyncErrors',
      sync.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      `The sync function crashed or timed out (${runbook('SyncErrors')}).`,
    );
    // No throttle alarm for the sync: with reserved concurrency 1, its continuation (invoked before
    // the handler returns), an admin's "run now" and the schedule routinely arrive while a run holds
    // the slot. Lambda queues those asynchronous events and retries them, and the DynamoDB lease
    // makes an extra invocation a no-op; a throttle loses nothing. What loses work is an event Lambda
    // gives up on (retries spent, or older than the maximum event age): that is AsyncEventsDropped.
    this.alarm(
      'SyncEventsDropped',
      sync.metric('AsyncEventsDropped', { period: FIVE_MINUTES, statistic: 'Sum' }),
      `Lambda dropped a sync invocation after its retries or maximum event age (${runbook('SyncEventsDropped')}).`,
    );
    this.alarm('SyncRunFailed', syncRuns('failed'), `A directory sync run ended failed (${runbook('SyncRunFailed')}).`);
    this.alarm(
      'SyncRunRefused',
      syncRuns('refused'),
      `A sync run was refused by the mass-deletion guard: an admin must review the held diff (${runbook('SyncRunRefused')}).`,
    );
  }

  /**
   * The channel manager's metrics (every 30 minutes). A channel found past its expiry means a feed
   * went unwatched; fewer live feeds than watched feeds means push is down for that feed now (the
   * full sync is hourly meanwhile). No data for two hours means the manager is not running, so
   * nobody renews channels: that counts as breaching. Two hourly periods, so a new deployment's
   * first run (up to 30 minutes after it) does not alarm.
   */
  private alarmPushChannels(): void {
    this.alarm(
      'PushChannelsPastExpiry',
      pushChannelMetric(PUSH_CHANNEL_METRICS.pastExpiry, 'Maximum'),
      `A Google notification channel expired before it was renewed (${runbook('PushChannelsPastExpiry')}).`,
    );
    this.alarm(
      'PushFeedsNotLive',
      pushChannelMetric(PUSH_CHANNEL_METRICS.liveFeeds, 'Minimum'),
      `Fewer than ${PUSH_CHANNEL_METRICS.feedCount} push feeds have a live channel, ` +
        `or the channel manager stopped reporting; the full sync runs hourly meanwhile (${runbook('PushFeedsNotLive')}).`,
      PUSH_CHANNEL_METRICS.feedCount,
      {
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.BREACHING,
        evaluationPeriods: 2,
      },
    );
  }

  private addDashboard(props: MonitoringProps, serverErrorRate: IMetric | undefined): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: Stack.of(this).stackName, defaultInterval: Duration.days(1) });
    const everyFunction = [...Object.values(props.functions), ...(props.sync ? [props.sync] : [])];
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Invocations',
        left: everyFunction.map((app) => app.fn.metricInvocations({ label: app.node.id })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Errors and throttles',
        left: everyFunction.flatMap((app) => [
          app.fn.metricErrors({ label: `${app.node.id} errors` }),
          app.fn.metricThrottles({ label: `${app.node.id} throttles` }),
        ]),
        width: 12,
      }),
    );
    if (props.sync) {
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Sync runs by outcome',
          left: (['succeeded', 'failed', 'refused'] as const).map((status) => syncRuns(status, { label: status })),
          width: 12,
        }),
        new GraphWidget({
          title: 'Sync run duration (ms)',
          left: [syncRuns('succeeded', { statistic: 'Maximum', label: 'succeeded, longest' })],
          width: 12,
        }),
      );
    }
    if (props.pushChannels) {
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Push channels',
          left: [
            pushChannelMetric(PUSH_CHANNEL_METRICS.liveFeeds, 'Minimum'),
            pushChannelMetric(PUSH_CHANNEL_METRICS.pastExpiry, 'Maximum'),
          ],
          width: 12,
        }),
      );
    }
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Failure queues',
        left: Object.entries(props.failureQueues).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' }),
        ),
        width: 8,
      }),
      new GraphWidget({ title: 'Function URL 5xx rate (%)', left: serverErrorRate ? [serverErrorRate] : [], width: 8 }),
      new GraphWidget({
        title: 'CloudFront requests and 5xx rate',
        left: [cloudFrontMetric(props.distribution, 'Requests', 'Sum')],
        right: [cloudFrontMetric(props.distribution, '5xxErrorRate', 'Average')],
        width: 8,
      }),
    );
    return dashboard;
  }
}

/** Sync runs that ended with `status`: one DurationMs sample per run (SampleCount), from the handler's EMF line. */
function syncRuns(status: SyncRunStatus, options: { readonly statistic?: string; readonly label?: string } = {}): Metric {
  return new Metric({
    namespace: SYNC_RUN_METRICS.namespace,
    metricName: SYNC_RUN_METRICS.perRun,
    dimensionsMap: { [SYNC_RUN_METRICS.statusDimension]: status },
    statistic: options.statistic ?? 'SampleCount',
    period: FIVE_MINUTES,
    ...(options.label ? { label: options.label } : {}),
  });
}

/** One of the channel manager's EMF metrics (no dimensions), hourly. */
function pushChannelMetric(metricName: string, statistic: string): Metric {
  return new Metric({ namespace: PUSH_CHANNEL_METRICS.namespace, metricName, statistic, period: Duration.hours(1) });
}

/** 5xx answers as a percentage of all function URL requests, summed over the HTTP functions. */
function urlErrorRate(functions: readonly DeployedHttpFunction[]): MathExpression | undefined {
  if (functions.length === 0) return undefined;
  const usingMetrics: Record<string, IMetric> = {};
  functions.forEach(({ app }, i) => {
    const dimensionsMap = { FunctionName: app.fn.functionName };
    usingMetrics[`e${i}`] = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'Url5xxCount',
      dimensionsMap,
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
    usingMetrics[`r${i}`] = new Metric({
      namespace: 'AWS/Lambda',
      metricName: 'UrlRequestCount',
      dimensionsMap,
      statistic: 'Sum',
      period: FIVE_MINUTES,
    });
  });
  const sum = (prefix: string) => functions.map((_, i) => `${prefix}${i}`).join(' + ');
  return new MathExpression({ expression: `100 * (${sum('e')}) / (${sum('r')})`, usingMetrics, label: '5xx %', period: FIVE_MINUTES });
}

/** CloudFront publishes its metrics in us-east-1 only; a dashboard can show them from any region (an alarm could not). */
function cloudFrontMetric(distribution: IDistribution, metricName: string, statistic: string): Metric {
  return new Metric({
    namespace: 'AWS/CloudFront',
    metricName,
    dimensionsMap: { DistributionId: distribution.distributionId, Region: 'Global' },
    statistic,
    region: 'us-east-1',
    period: FIVE_MINUTES,
  });
}
