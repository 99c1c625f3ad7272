import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE } from '../adapters/dynamodb/table-definition.js';
import type { Page } from '../contract/api.js';
import { HttpError } from './http.js';
import type { Dependencies } from '../runtime/dependencies.js';
import { readCursor, signCursor } from './cursor.js';

const staleCursor = () => new HttpError(400, 'invalid_cursor', 'The cursor does not fit this list; start again without a cursor.');

/** A page of an in-memory result list; the cursor carries the offset, bound to `bind` (which names the index version). */
export async function offsetPage<T>(
  deps: Dependencies,
  bind: string,
  total: number,
  at: (i: number) => T,
  limit: number,
  cursor: string | undefined,
): Promise<Page<T>> {
  const offset = cursor === undefined ? 0 : await readCursor(deps, bind, cursor);
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) >= Math.max(total, 1)) throw staleCursor();
  const start = offset as number;
  const end = Math.min(total, start + limit);
  const items = Array.from({ length: end - start }, (_, i) => at(start + i));
  return end < total ? { items, nextCursor: await signCursor(deps, bind, end) } : { items };
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
 * A page of a DynamoDB query, holding the list contract: a page with a `nextCursor` is full (`limit`
 * items), and the last page has none. `show` maps a stored item to what the list shows, or
 * `undefined` for one it must not show (a hidden member); a `FilterExpression` drops items too.
 *
 * DynamoDB's `Limit` counts items read before those drops, and it answers `LastEvaluatedKey`
 * whenever it stops at `Limit`, even with nothing after. So the page reads on until it holds
 * `limit + 1` shown items (the one past the page proves there is a next page) or the query ends.
 * Each Query asks for the items still missing plus as many as were skipped so far: one Query when
 * nothing in range is skipped; otherwise the skipped count at least doubles per further Query, so
 * a page that skips `s` items costs at most 2 + log2(s) Queries (more only if one stops at
 * DynamoDB's 1 MB) and reads at most `limit + 1 + 2s` items.
 *
 * The cursor is the signed key of the page's last item (signed, so the key handed back to DynamoDB
 * as ExclusiveStartKey is one we produced); the query's projection is widened to carry it.
 */
export async function queryPage<I, T>(
  deps: Dependencies,
  bind: string,
  input: QueryCommandInput,
  limit: number,
  cursor: string | undefined,
  show: (item: I) => T | undefined,
): Promise<Page<T>> {
  const after = cursor === undefined ? undefined : await readCursor(deps, bind, cursor);
  if (after !== undefined && (typeof after !== 'object' || after === null || Array.isArray(after))) throw staleCursor();
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
  const shown: { value: T; position: Record<string, unknown> }[] = [];
  let skipped = 0;
  let start = after as Record<string, unknown> | undefined;
  do {
    const result = await deps.db.send(new QueryCommand({ ...query, Limit: limit + 1 - shown.length + skipped, ExclusiveStartKey: start }));
    const items = (result.Items ?? []) as (I & Record<string, unknown>)[];
    skipped += (result.ScannedCount ?? items.length) - items.length;
    for (const item of items) {
      if (shown.length > limit) break;
      const value = show(item);
      if (value === undefined) skipped += 1;
      else shown.push({ value, position: Object.fromEntries(positionNames.map((name) => [name, item[name]])) });
    }
    start = result.LastEvaluatedKey;
  } while (start !== undefined && shown.length <= limit);
  if (shown.length <= limit) return { items: shown.map((s) => s.value) };
  const page = shown.slice(0, limit);
  return { items: page.map((s) => s.value), nextCursor: await signCursor(deps, bind, page[limit - 1]!.position) };
}
