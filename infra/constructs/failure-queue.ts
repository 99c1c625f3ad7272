import { CfnOutput, Duration, Validations } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { IN_PLACE } from './in-place.js';

/** A queue that stores failures (alarmed on depth by the monitoring): 14 days, encrypted, HTTPS only. */
export class FailureQueue extends Construct {
  readonly queue: Queue;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.queue = new Queue(this, IN_PLACE, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl, description: `Failure queue ${id}: read or purge its messages here` });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter store (failed schedule deliveries, failed runs, ' +
        'push changes that kept failing), alarmed on depth; a dead-letter queue for it would never be read.',
    });
  }
}

/**
 * A scheduled function's two failure stores, created in `scope` under fixed ids: Scheduler's
 * dead-letter queue (a delivery that failed) and the function's on-failure destination (an
 * invocation that failed after Lambda's retries).
 */
export interface ScheduledFailures {
  readonly scheduleDeadLetters: Queue;
  readonly failedRuns: Queue;
}

export function scheduledFailureQueues(scope: Construct): ScheduledFailures {
  return {
    scheduleDeadLetters: new FailureQueue(scope, 'ScheduleDeadLetters').queue,
    failedRuns: new FailureQueue(scope, 'FailedRuns').queue,
  };
}
