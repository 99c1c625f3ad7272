import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AppFunction } from '../app-function.js';

export interface ScheduledInvocationProps {
  readonly target: AppFunction;
  /** An EventBridge expression: rate(…) or cron(…). */
  readonly expression: string;
  /** What the schedule starts, for the schedule's and its role's descriptions. */
  readonly what: string;
  readonly input: Readonly<Record<string, unknown>>;
  /** Where Scheduler puts an invocation it could not deliver after its retries (alarmed by the monitoring). */
  readonly deadLetterQueue: IQueue;
  /** How long Scheduler keeps retrying one delivery: past the next tick it would be superseded anyway. */
  readonly maxEventAge: Duration;
}

/**
 * EventBridge Scheduler invoking one function asynchronously on an expression, with its own role
 * that may invoke that function only, three delivery retries and a dead-letter queue. Scheduler's
 * queue catches delivery failures only: the function's own on-failure destination catches the rest.
 */
export class ScheduledInvocation extends Construct {
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ScheduledInvocationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `Lets EventBridge Scheduler start the ${props.what}`,
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.target.fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason:
        `The Scheduler Lambda target grants invoke on the function and its versions (ARN:*); ` +
        `the wildcard covers versions of the ${props.what} function only.`,
    });
    new Schedule(this, 'Schedule', {
      description: `Workspace Bridge ${props.what}`,
      schedule: ScheduleExpression.expression(props.expression),
      target: new LambdaInvoke(props.target.fn, {
        role: this.role,
        input: ScheduleTargetInput.fromObject(props.input),
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 3,
        maxEventAge: props.maxEventAge,
      }),
    });
  }
}
