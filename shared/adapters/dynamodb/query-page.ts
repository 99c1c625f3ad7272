import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLE } from './table-definition.js';

/** An item a list shows, with its position in the query (the key DynamoDB continues after). */
export interface ShownItem<T> {
  readonly value: T;
  readonly position: Record<string, unknown>;
}

/** The attributes of an item's position in a query of `indexName`: the table's key, and the index's key when it is one (LastEvaluatedKey's shape). */
function positionAttributes(indexName: string | undefined): string[] {
  const table = [TABLE.partitionKey.name, TABLE.sortKey.name];
  if (indexName === undefined) return table;
  const index = TABLE.globalSecondaryIndexes.find((i) => i.indexName === indexName);
  if (!index) throw new Error(`No index ${indexName} in the table definition.`);
  return [...table, index.partitionKey.name, index.sortKey.name];
}

/**
 * Reads a query from the position `after` until it holds `wanted` items that `show` keeps (it
 * answers `undefined` for one the list must not show; a `FilterExpression` drops items too), or
 * the query ends. DynamoDB's `Limit` counts items read before those drops, and it answers
 * `LastEvaluatedKey` whenever it stops at `Limit`, even with nothing after. So each Query asks for
 * the items still missing plus as many as were skipped so far: one Query when nothing in range is
 * skipped; otherwise the skipped count at least doubles per further Query, so reading past `s`
 * skipped items costs at most 2 + log2(s) Queries (more only if one stops at DynamoDB's 1 MB) and
 * reads at most `wanted + 2s` items. The query's projection is widened to carry each item's position.
 */
export async function readShown<I, T>(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  after: Record<string, unknown> | undefined,
  wanted: number,
  show: (item: I) => T | undefined,
): Promise<ShownItem<T>[]> {
  const positionNames = positionAttributes(input.IndexName);
  const query: QueryCommandInput =
    input.ProjectionExpression === undefined
      ? input
      : {
          ...input,
          ProjectionExpression: [input.ProjectionExpression, ...positionNames.map((_, i) => `#position${i}`)].join(', '),
          ExpressionAttributeNames: {
            ...input.ExpressionAttributeNames,
            ...Object.fromEntries(positionNames.map((name, i) => [`#position${i}`, name])),
          },
        };
  const shown: ShownItem<T>[] = [];
  let skipped = 0;
  let start = after;
  do {
    const result = await db.send(new QueryCommand({ ...query, Limit: wanted - shown.length + skipped, ExclusiveStartKey: start }));
    const items = (result.Items ?? []) as (I & Record<string, unknown>)[];
    skipped += (result.ScannedCount ?? items.length) - items.length;
    for (const item of items) {
      if (shown.length >= wanted) break;
      const value = show(item);
      if (value === undefined) skipped += 1;
      else shown.push({ value, position: Object.fromEntries(positionNames.map((name) => [name, item[name]])) });
    }
    start = result.LastEvaluatedKey;
  } while (start !== undefined && shown.length < wanted);
  return shown;
}
