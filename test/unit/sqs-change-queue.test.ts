import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { changesOfMessage, SqsChangeQueue } from '../../shared/adapters/sqs/change-queue.js';
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
