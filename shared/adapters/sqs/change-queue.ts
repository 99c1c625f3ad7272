import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ChangeQueue, PushChange } from '../../domain/push/changes.js';
import { traceClient } from '../tracing.js';

/** The body of one queue message: the changes one verified notification carried. */
interface ChangeMessage {
  readonly changes: readonly PushChange[];
}

/**
 * The queue in AWS: one SQS message per verified notification. The worker's event source reads
 * them in batches (a batching window coalesces a burst into one batch), retries each message on its
 * own and moves one that keeps failing to the dead-letter queue (infra/constructs/push-sync.ts).
 */
export class SqsChangeQueue implements ChangeQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly sqs: SQSClient = traceClient(new SQSClient({})),
  ) {}

  async enqueue(changes: readonly PushChange[]): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ changes } satisfies ChangeMessage) }),
    );
  }
}

/** The changes of one message body; throws on a body the receiver did not write (the message then goes to the dead-letter queue). */
export function changesOfMessage(body: string): readonly PushChange[] {
  const message = JSON.parse(body) as Partial<ChangeMessage> | null;
  const changes = message?.changes;
  if (!Array.isArray(changes) || !changes.every(isChange)) throw new Error('A push queue message carries { changes: [...] }.');
  return changes;
}

function isChange(value: unknown): value is PushChange {
  const change = value as Partial<Record<string, unknown>> | null;
  if (typeof change !== 'object' || change === null) return false;
  if (typeof change.channelId !== 'string' || typeof change.receivedAt !== 'number' || typeof change.event !== 'string') return false;
  return (change.kind === 'user' && typeof change.userId === 'string') || (change.kind === 'group' && typeof change.groupKey === 'string');
}

/** A delivered message, as the event source hands it over (the fields a retry needs). */
export interface DeliveredMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly eventSourceARN: string;
  readonly attributes: { readonly ApproximateReceiveCount: string };
}

/** The wait before a failed message's next delivery: 15 s, doubling with each receive, at most 15 min. */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.min(900, 15 * 2 ** Math.max(0, receiveCount - 1));
}

/**
 * Brings failed messages back sooner than the queue's visibility timeout (six times the worker's
 * timeout, 18 min), with a growing delay: a suspension that met a Google outage is retried in
 * seconds to minutes, and one that keeps failing still reaches the dead-letter queue after the
 * queue's receive count. The event source's role may change visibility (it receives and deletes).
 */
export async function retrySoon(messages: readonly DeliveredMessage[], sqs: SQSClient): Promise<void> {
  const byQueue = new Map<string, DeliveredMessage[]>();
  for (const message of messages) byQueue.set(message.eventSourceARN, [...(byQueue.get(message.eventSourceARN) ?? []), message]);
  for (const [arn, queued] of byQueue)
    for (let i = 0; i < queued.length; i += 10)
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrlOf(arn),
          Entries: queued.slice(i, i + 10).map((m) => ({
            Id: m.messageId,
            ReceiptHandle: m.receiptHandle,
            VisibilityTimeout: retryDelaySeconds(Number(m.attributes.ApproximateReceiveCount) || 1),
          })),
        }),
      );
}

/** `arn:aws:sqs:<region>:<account>:<name>` → the queue's URL. */
function queueUrlOf(arn: string): string {
  const [, partition, , region, account, name] = arn.split(':');
  if (!partition || !region || !account || !name) throw new Error(`Not an SQS queue ARN: ${arn}`);
  return `https://sqs.${region}.amazonaws.com${partition === 'aws-cn' ? '.cn' : ''}/${account}/${name}`;
}
