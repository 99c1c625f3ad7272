import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Read and write units a client consumed, as DynamoDB reports them (ReturnConsumedCapacity TOTAL on every call). */
export interface CapacityTally {
  read: number;
  write: number;
  calls: number;
}

type Consumed = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

/** The low-level command names (a document client's middleware sees those). */
const READS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

/** The partition key a call names (a key, an item, or a key condition's `:pk`), to tell apart whose call it was. */
function partitionOf(input: Record<string, unknown>): string {
  const key = (input.Key ?? input.Item) as { pk?: unknown } | undefined;
  const values = input.ExpressionAttributeValues as { ':pk'?: unknown } | undefined;
  return String(key?.pk ?? values?.[':pk'] ?? '');
}

/**
 * Counts the capacity units of every call through `db`, into the tally `classify` names for the
 * call's partition key (an unnamed one is not counted). Benchmark only: the deployed functions do
 * not ask DynamoDB for it.
 */
export function meterCapacity(
  db: DynamoDBDocumentClient,
  classify: (partition: string, command: string) => CapacityTally | undefined,
): void {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const tally = classify(partitionOf(input), context.commandName ?? '');
      if (!tally) return result;
      const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const read = READS.has(context.commandName ?? '');
      for (const c of [consumed ?? []].flat()) {
        tally.read += c.ReadCapacityUnits ?? (read ? (c.CapacityUnits ?? 0) : 0);
        tally.write += c.WriteCapacityUnits ?? (read ? 0 : (c.CapacityUnits ?? 0));
      }
      tally.calls += 1;
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
}

export const emptyTally = (): CapacityTally => ({ read: 0, write: 0, calls: 0 });
