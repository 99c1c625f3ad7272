import { BatchWriteCommand, type BatchWriteCommandInput, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;

/**
 * Writes requests in batches of 25, re-sending UnprocessedItems (throttling, partition limits)
 * with exponential backoff until every item is written; gives up loudly, never silently.
 */
export async function batchWriteAll(db: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_LIMIT) {
    let pending: BatchWriteCommandInput['RequestItems'] = { [tableName]: requests.slice(i, i + BATCH_LIMIT) };
    for (let round = 0; pending && Object.keys(pending).length > 0; round += 1) {
      if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`DynamoDB left items unprocessed after ${round} rounds of BatchWriteItem.`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** round) * Math.random()));
      const result: BatchWriteCommandOutput = await db.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = result.UnprocessedItems;
    }
  }
}
