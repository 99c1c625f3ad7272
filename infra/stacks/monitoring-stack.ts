import { Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
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
import type { Construct } from 'constructs';
import type { AppFunction } from '../app-function.js';
import type { InfraConfig } from '../config.js';
import type { DeployedHttpFunction } from './api-stack.js';

export interface MonitoringStackProps extends StackProps {
  readonly config: InfraConfig;
  /** Every function, by display name. */
  readonly functions: Readonly<Record<string, AppFunction>>;
  readonly httpFunctions: readonly DeployedHttpFunction[];
  /** Queues whose depth means something failed, by display name. */
  readonly failureQueues: Readonly<Record<string, IQueue>>;
  readonly distribution: IDistribution;
}

const FIVE_MINUTES = Duration.minutes(5);
/** Share of function URL answers that may be 5xx before the alarm fires, in percent. */
export const SERVER_ERROR_RATE_PERCENT = 5;

/**
 * Alarms that mean "someone should look": any function error or throttle, any message in a failure
 * queue (a sync that did not run or did not finish), and a 5xx rate on the HTTP functions. All go to
 * one SNS topic (subscribe by email with `alarmEmail`). A small dashboard shows the same.
 */
export class MonitoringStack extends Stack {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.topic = new Topic(this, 'Alarms', { displayName: 'Workspace Bridge alarms', enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason: 'Alarm notifications carry only alarm names and states; CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key, and a customer managed key would cost $1 a month while idle.',
    });
    if (props.config.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.config.alarmEmail));
    const action = new SnsAction(this.topic);
    const alarm = (alarmId: string, metric: IMetric, description: string, threshold = 1) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const [name, app] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, app.fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), `Function ${name} failed (see its log group).`);
      alarm(`${name}Throttles`, app.fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), `Function ${name} was throttled.`);
    }
    for (const [name, queue] of Object.entries(props.failureQueues)) {
      alarm(`${name}Depth`, queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }), `${name}: messages waiting (README, Operations).`);
    }

    const serverErrorRate = urlErrorRate(props.httpFunctions);
    if (serverErrorRate) {
      alarm('ServerErrorRate', serverErrorRate, `More than ${SERVER_ERROR_RATE_PERCENT}% of function URL answers were 5xx.`, SERVER_ERROR_RATE_PERCENT);
    }

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${this.stackName}`, defaultInterval: Duration.days(1) });
    dashboard.addWidgets(
      new GraphWidget({ title: 'Invocations', left: Object.values(props.functions).map((app) => app.fn.metricInvocations({ label: app.node.id })), width: 12 }),
      new GraphWidget({ title: 'Errors and throttles', left: Object.values(props.functions).flatMap((app) => [app.fn.metricErrors({ label: `${app.node.id} errors` }), app.fn.metricThrottles({ label: `${app.node.id} throttles` })]), width: 12 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Failure queues',
        left: Object.entries(props.failureQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' })),
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
  }
}

/** 5xx answers as a percentage of all function URL requests, summed over the HTTP functions. */
function urlErrorRate(functions: readonly DeployedHttpFunction[]): MathExpression | undefined {
  if (functions.length === 0) return undefined;
  const usingMetrics: Record<string, IMetric> = {};
  functions.forEach(({ app }, i) => {
    const dimensionsMap = { FunctionName: app.fn.functionName };
    usingMetrics[`e${i}`] = new Metric({ namespace: 'AWS/Lambda', metricName: 'Url5xxCount', dimensionsMap, statistic: 'Sum', period: FIVE_MINUTES });
    usingMetrics[`r${i}`] = new Metric({ namespace: 'AWS/Lambda', metricName: 'UrlRequestCount', dimensionsMap, statistic: 'Sum', period: FIVE_MINUTES });
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
