import { ChangeMessageVisibilityBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { changesOfMessage, retryDelaySeconds, retrySoon, SqsChangeQueue } from '../../shared/adapters/sqs/change-queue.js';
import type { PushChange } from '../../shared/domain/push/changes.js';

// SQS has no local twin on npm: the adapter's calls are checked against a mocked client.
const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/push-changes';
const CHANGES: PushChange[] = [
  { kind: 'user', userId: '1234', event: 'update', channelId: 'c1', messageNumber: 7, receivedAt: 1_000 },
  {
    kind: 'group',
    groupKey: 'team@example.com',
    event: 'ADD_GROUP_MEMBER',
    channelId: 'c2',
    messageNumber: 3,
    receivedAt: 2_000,
    changedAt: 1_500,
  },
];

describe('the SQS change queue', () => {
  it("sends one message per notification to the queue, which the worker's reader gives back unchanged", async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    await new SqsChangeQueue(QUEUE_URL, new SQSClient({ region: 'eu-west-1' })).enqueue(CHANGES);
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.QueueUrl).toBe(QUEUE_URL);
    expect(changesOfMessage(calls[0]!.args[0].input.MessageBody!)).toEqual(CHANGES);
  });

  it('fails the enqueue when SQS refuses (the receiver then gives the message number back and answers 5xx)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable'));
    await expect(new SqsChangeQueue(QUEUE_URL, new SQSClient({ region: 'eu-west-1' })).enqueue(CHANGES)).rejects.toThrow(
      'ServiceUnavailable',
    );
  });

  it.each([['not json'], ['null'], ['{}'], ['{"changes":[{"kind":"user","event":"update"}]}'], ['{"changes":[{"kind":"other"}]}']])(
    'refuses a body the receiver did not write: %s',
    (body) => {
      expect(() => changesOfMessage(body)).toThrow();
    },
  );
});

describe('failed messages brought back sooner than the visibility timeout', () => {
  it('waits 15 s after the first receive, doubling to at most 15 min, in batches of ten per queue', async () => {
    expect([1, 2, 3, 4, 5, 9].map(retryDelaySeconds)).toEqual([15, 30, 60, 120, 240, 900]);
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });
    const messages = Array.from({ length: 12 }, (_, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:push-changes',
      attributes: { ApproximateReceiveCount: String((i % 3) + 1) },
    }));
    await retrySoon(messages, new SQSClient({ region: 'eu-west-1' }));
    const calls = sqs.commandCalls(ChangeMessageVisibilityBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).toEqual([10, 2]);
    expect(calls.every((c) => c.QueueUrl === QUEUE_URL)).toBe(true);
    expect(calls[0]!.Entries!.slice(0, 3)).toEqual([
      { Id: 'm0', ReceiptHandle: 'r0', VisibilityTimeout: 15 },
      { Id: 'm1', ReceiptHandle: 'r1', VisibilityTimeout: 30 },
      { Id: 'm2', ReceiptHandle: 'r2', VisibilityTimeout: 60 },
    ]);
  });
});
