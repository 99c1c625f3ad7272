import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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
