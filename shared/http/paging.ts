import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { readShown } from '../adapters/dynamodb/query-page.js';
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

/**
 * A page of a DynamoDB query, holding the list contract: a page with a `nextCursor` is full (`limit`
 * items), and the last page has none. `show` maps a stored item to what the list shows, or
 * `undefined` for one it must not show (a hidden member). The page reads `limit + 1` shown items
 * (the one past the page proves there is a next page; readShown says what that costs).
 *
 * The cursor is the signed key of the page's last item (signed, so the key handed back to DynamoDB
 * as ExclusiveStartKey is one we produced).
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
  const shown = await readShown(deps.db, input, after as Record<string, unknown> | undefined, limit + 1, show);
  if (shown.length <= limit) return { items: shown.map((s) => s.value) };
  const page = shown.slice(0, limit);
  return { items: page.map((s) => s.value), nextCursor: await signCursor(deps, bind, page[limit - 1]!.position) };
}
