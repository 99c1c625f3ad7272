import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FailureQueue } from './failure-queue.js';

/** Deliveries of one message before it goes to the dead-letter queue: the first try and four redeliveries. */
export const PUSH_MAX_RECEIVES = 5;

export interface PushQueueProps {
  /** How long a message the worker took stays invisible: at least six times the worker's timeout (AWS's advice for SQS event sources). */
  readonly visibilityTimeout: Duration;
}

/**
 * Between the receiver (which must answer Google fast) and the worker (which calls Google): one
 * message per verified notification, encrypted, HTTPS only. A message whose changes keep failing is
 * moved after PUSH_MAX_RECEIVES deliveries to the dead-letter queue (alarmed on depth); the daily
 * reconciliation repairs what it held.
 */
export class PushQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: Queue;

  constructor(scope: Construct, id: string, props: PushQueueProps) {
    super(scope, id);
    this.deadLetters = new FailureQueue(this, 'DeadLetters').queue;
    this.queue = new Queue(this, 'Changes', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      // A change older than a day is reconciled by the daily full sync anyway.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: PUSH_MAX_RECEIVES },
    });
  }
}
