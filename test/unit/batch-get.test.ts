import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { batchGetAll } from '../../shared/adapters/dynamodb/batch.js';

/*
 * DynamoDB Local never leaves keys unprocessed (it does not throttle), so the throttled answer is
 * played by a stand-in client: the one thing here that a local twin cannot do.
 */
type Keys = Record<string, unknown>[];

function throttlingClient(unprocessedRounds: number) {
  const asked: Keys[] = [];
  const client = {
    send: async (command: BatchGetCommand) => {
      const keys = command.input.RequestItems!.table!.Keys as Keys;
      asked.push(keys);
      if (asked.length <= unprocessedRounds) return { Responses: { table: [] }, UnprocessedKeys: { table: { Keys: keys } } };
      return { Responses: { table: keys.map((key) => ({ ...key, found: true })) } };
    },
  };
  return { db: client as unknown as DynamoDBDocumentClient, asked };
}

const keys = [
  { pk: 'A', sk: 'X' },
  { pk: 'B', sk: 'X' },
];

describe('batchGetAll under throttling', () => {
  afterEach(() => void vi.useRealTimers());

  it('asks again for unprocessed keys, waiting between rounds, and returns every item', async () => {
    vi.useFakeTimers();
    const { db, asked } = throttlingClient(2);
    const reading = batchGetAll(db, 'table', keys, { ProjectionExpression: 'pk' });
    await vi.runAllTimersAsync();
    expect(await reading).toEqual(keys.map((key) => ({ ...key, found: true })));
    expect(asked).toHaveLength(3);
  });

  it('gives up loudly, after a bounded number of rounds, when DynamoDB keeps every key unprocessed', async () => {
    vi.useFakeTimers();
    const { db, asked } = throttlingClient(Number.POSITIVE_INFINITY);
    const reading = batchGetAll(db, 'table', keys, { ProjectionExpression: 'pk' });
    const outcome = expect(reading).rejects.toThrow(/unprocessed after 10 rounds of BatchGetItem/);
    await vi.runAllTimersAsync();
    await outcome;
    expect(asked).toHaveLength(10);
  });
});
