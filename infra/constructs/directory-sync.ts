import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CHECKPOINT_MAX_AGE_MS } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { AppFunction } from '../app-function.js';
import { scheduledFailureQueues } from './failure-queue.js';
import { IN_PLACE } from './in-place.js';
import { ScheduledInvocation } from './scheduled-invocation.js';
import { functionEnvironment, type InfraConfig } from '../config.js';
import { syncPermissions, type SecretName } from '../permissions.js';

/** The sync function's physical name: known before the function exists, so the API can be granted invoke on it by name. */
export const syncFunctionName = (stackName: string) => `${stackName}-sync`;

/**
 * Lambda's maximum. A 100,000-user fetch takes about 10 minutes at the default quota (README,
 * Directory sync), so it fits one invocation; the handler hands over to a continuation when fewer
 * than 90 s remain (LAMBDA_RESERVE_MS), and the 2-minute lease, renewed every 40 s, lets the next
 * invocation take over soon after a crashed one, whatever this timeout is.
 */
const SYNC_TIMEOUT = Duration.minutes(15);

/**
 * How long an event may wait in Lambda's asynchronous queue. With one unit of concurrency an event
 * (the schedule's, an admin's "run now", a continuation) waits, throttled and retried by Lambda,
 * while another invocation runs; a run's invocations hold the slot for at most the age after which
 * its checkpoint is abandoned. So only an event stuck behind something broken expires into the
 * failed-runs queue; with 1 hour, a legitimately long first run would put the schedule's next event there.
 */
const SYNC_MAX_EVENT_AGE = Duration.millis(CHECKPOINT_MAX_AGE_MS);

/**
 * How long EventBridge Scheduler retries delivering one scheduled invocation. Delivery is the
 * asynchronous Invoke call, which Lambda accepts even while the function is busy; an older delivery
 * would be superseded by the next hourly (default) tick anyway.
 */
const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

export interface DirectorySyncProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  /** Entry file of the sync function, relative to the repository root. */
  readonly entry: string;
}

/**
 * The directory sync: EventBridge Scheduler invokes the sync function asynchronously on the
 * configured schedule; a long run saves a checkpoint and invokes itself to continue.
 *
 * Failures land in two queues, both alarmed: the schedule's dead-letter queue (Scheduler could not
 * deliver the invocation) and the function's on-failure destination (an invocation that crashed,
 * timed out or could not record its run, after Lambda's retries, including self-invoked
 * continuations). A run that fails or is refused in an orderly way returns normally with a run
 * record: the monitoring alarms on its status metric instead (see functions/sync.ts).
 */
export class DirectorySync extends Construct {
  readonly sync: AppFunction;
  readonly scheduleDeadLetters: Queue;
  readonly failedRuns: Queue;

  constructor(scope: Construct, id: string, props: DirectorySyncProps) {
    super(scope, id);
    ({ scheduleDeadLetters: this.scheduleDeadLetters, failedRuns: this.failedRuns } = scheduledFailureQueues(this));

    // A known physical name lets the role name the function for self-invocation without referencing
    // the function resource (which would make the role depend on the function that depends on it).
    const functionName = syncFunctionName(Stack.of(this).stackName);
    this.sync = new AppFunction(this, 'Sync', {
      entry: props.entry,
      functionName,
      description: 'Workspace Bridge directory sync (scheduled; continues itself from its checkpoint)',
      environment: { ...functionEnvironment(props.config, props.table.tableName), POWERTOOLS_SERVICE_NAME: 'sync' },
      logRetentionDays: props.config.logRetentionDays,
      memorySize: 1024,
      timeout: SYNC_TIMEOUT,
      // One run at a time: keeps Google's Admin SDK quota and the account's concurrency safe from overlapping runs.
      reservedConcurrency: 1,
      onFailure: new SqsDestination(this.failedRuns),
      // A failed invocation is retried twice; each retry resumes from the checkpoint.
      retryAttempts: 2,
      maxEventAge: SYNC_MAX_EVENT_AGE,
      tracing: props.config.tracing,
    });
    this.sync.grantProfile(syncPermissions(props.config.googleCredentials.mode), { table: props.table, secrets: props.secrets });
    if (props.config.googleCredentials.mode === 'workload-identity') {
      // The provider's attribute condition and the signJwt binding name this role (deploy guide, "Keyless").
      new CfnOutput(this, 'SyncRoleName', {
        value: this.sync.role.roleName,
        description: 'Execution role of the sync: admit arn:aws:sts::<account>:assumed-role/<this name> in the Workload Identity provider',
      });
    }
    this.sync.role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [AppFunction.arnFor(this, functionName)] }),
    );
    // Mounted in place: the scheduler role and schedule keep the logical ids they had before the construct existed.
    new ScheduledInvocation(this, IN_PLACE, {
      target: this.sync,
      expression: props.config.syncSchedule,
      what: 'directory sync',
      input: { trigger: 'schedule' },
      deadLetterQueue: this.scheduleDeadLetters,
      maxEventAge: SCHEDULE_MAX_EVENT_AGE,
    });
  }
}
