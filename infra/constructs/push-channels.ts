import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.js';
import { functionEnvironment, type InfraConfig } from '../config.js';
import { PUSH_CHANNELS_PERMISSIONS, withGoogleCredentials, type SecretName } from '../permissions.js';
import { scheduledFailureQueues, type ScheduledFailures } from './failure-queue.js';
import { ScheduledInvocation } from './scheduled-invocation.js';

/**
 * Every 30 minutes: a channel is renewed when less than 90 minutes are left (shared/services/push/manager.ts),
 * so two runs can fail in a row before a feed goes unwatched.
 */
export const PUSH_CHANNELS_SCHEDULE = 'rate(30 minutes)';
/** An event older than the next run is superseded by it. */
const PUSH_CHANNELS_MAX_EVENT_AGE = Duration.minutes(30);

export interface PushChannelsProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
}

/**
 * The channel manager on EventBridge Scheduler, as the sync: the schedule's dead-letter queue for
 * deliveries that failed and an on-failure destination for invocations that failed after Lambda's
 * two retries, both alarmed; one run at a time, so two runs never open a feed's successor twice.
 */
export class PushChannels extends Construct {
  readonly manager: AppFunction;
  readonly failures: ScheduledFailures;

  constructor(scope: Construct, id: string, props: PushChannelsProps) {
    super(scope, id);
    this.failures = scheduledFailureQueues(this);
    this.manager = new AppFunction(this, 'Manager', {
      entry: 'functions/push-channels.ts',
      description: 'Workspace Bridge push channel manager (opens, renews and stops Google notification channels)',
      environment: { ...functionEnvironment(props.config, props.table.tableName), POWERTOOLS_SERVICE_NAME: 'push-channels' },
      logRetentionDays: props.config.logRetentionDays,
      timeout: Duration.minutes(1),
      reservedConcurrency: 1,
      onFailure: new SqsDestination(this.failures.failedRuns),
      retryAttempts: 2,
      maxEventAge: PUSH_CHANNELS_MAX_EVENT_AGE,
      tracing: props.config.tracing,
    });
    this.manager.grantProfile(withGoogleCredentials(PUSH_CHANNELS_PERMISSIONS, props.config.googleCredentials.mode), {
      table: props.table,
      secrets: props.secrets,
    });
    new ScheduledInvocation(this, 'Schedule', {
      target: this.manager,
      expression: PUSH_CHANNELS_SCHEDULE,
      what: 'push channel manager',
      input: { trigger: 'schedule' },
      deadLetterQueue: this.failures.scheduleDeadLetters,
      maxEventAge: PUSH_CHANNELS_MAX_EVENT_AGE,
    });
  }
}
