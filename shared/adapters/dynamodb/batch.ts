import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';

export type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_LIMIT = 25;
const MAX_UNPROCESSED_ROUNDS = 10;

/**
 * Writes requests in batches of 25 (`parallel` batches in flight), re-sending UnprocessedItems
 * (throttling, partition limits) with exponential backoff until every item is written; gives up
 * loudly, never silently.
 */
export async function batchWriteAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  parallel = 4,
): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH_LIMIT) batches.push(requests.slice(i, i + BATCH_LIMIT));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) await writeBatch(db, tableName, batches[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
}

async function writeBatch(db: DynamoDBDocumentClient, tableName: string, batch: WriteRequest[]): Promise<void> {
  let pending: BatchWriteCommandInput['RequestItems'] = { [tableName]: batch };
  for (let round = 0; pending && Object.keys(pending).length > 0; round += 1) {
    if (round === MAX_UNPROCESSED_ROUNDS) throw new Error(`DynamoDB left items unprocessed after ${round} rounds of BatchWriteItem.`);
    if (round > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 50 * 2 ** round) * Math.random()));
    const result: BatchWriteCommandOutput = await db.send(new BatchWriteCommand({ RequestItems: pending }));
    pending = result.UnprocessedItems;
  }
}

/** Items by key, strongly consistent, 100 keys a BatchGetItem, unprocessed keys asked again; in no particular order, missing ones left out. */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Record<string, unknown>[],
  projection: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } = {},
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  for (let i = 0; i < keys.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (pending && pending.length > 0) {
      const result: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projection } } }),
      );
      found.push(...(result.Responses?.[tableName] ?? []));
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}
