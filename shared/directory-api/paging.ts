import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { HttpError } from '../http/http.js';
import type { Dependencies } from '../runtime/dependencies.js';
import { readCursor, signCursor } from './cursor.js';

/** What every list answers: `nextCursor` only when there is a next page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

const staleCursor = () => new HttpError(400, 'invalid_cursor', 'The cursor does not fit this list; start again without a cursor.');

/** A page of an in-memory result list; the cursor carries the offset, bound to `bind` (which names the index version). */
export async function offsetPage<T>(deps: Dependencies, bind: string, total: number, at: (i: number) => T, limit: number, cursor: string | undefined): Promise<Page<T>> {
  const offset = cursor === undefined ? 0 : await readCursor(deps, bind, cursor);
  if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) >= Math.max(total, 1)) throw staleCursor();
  const start = offset as number;
  const end = Math.min(total, start + limit);
  const items = Array.from({ length: end - start }, (_, i) => at(start + i));
  return end < total ? { items, nextCursor: await signCursor(deps, bind, end) } : { items };
}

/**
 * A page of a DynamoDB query: `Limit` items read, the cursor carrying LastEvaluatedKey (signed, so
 * the key handed back to DynamoDB is one we produced). `keep` drops items the list must not show,
 * so a page can be shorter than `limit` and still have a next page.
 */
export async function queryPage<I, T>(
  deps: Dependencies, bind: string, input: QueryCommandInput, limit: number, cursor: string | undefined, keep: (items: I[]) => Promise<T[]> | T[],
): Promise<Page<T>> {
  const start = cursor === undefined ? undefined : await readCursor(deps, bind, cursor);
  if (start !== undefined && (typeof start !== 'object' || start === null || Array.isArray(start))) throw staleCursor();
  const result = await deps.db.send(new QueryCommand({ ...input, Limit: limit, ExclusiveStartKey: start as Record<string, unknown> | undefined }));
  const items = await keep((result.Items ?? []) as I[]);
  return result.LastEvaluatedKey ? { items, nextCursor: await signCursor(deps, bind, result.LastEvaluatedKey) } : { items };
}
