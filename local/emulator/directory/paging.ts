/**
 * Paging and argument checks shared by the emulator's list methods: opaque page tokens bound to
 * the query they came from (for the Directory lists, the position of the last item returned; for
 * the personal APIs, an offset) and Google's range errors for maxResults.
 */
import { GoogleApiError, json, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import { withFields } from '../fields.js';
import type { DirectoryStore } from './store.js';
import { hashString } from '../seed/random.js';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** maxResults within [1, max], Google's default when absent. */
export function maxResults(query: URLSearchParams, max: number, fallback: number): number {
  const raw = query.get('maxResults');
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new GoogleApiError(400, 'invalid', `Invalid value '${raw}'. Values must be within the range: [1, ${max}]`);
  }
  return n;
}

/** Slices one page; the token names the list it belongs to, so a token from another query is refused. */
export function page<T>(items: readonly T[], size: number, token: string | null, listKey: string): Page<T> {
  const offset = token ? decodeToken(token, listKey, (o): o is number => Number.isInteger(o) && (o as number) >= 0) : 0;
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    ...(end < items.length ? { nextPageToken: encodeToken(end, listKey) } : {}),
  };
}

/** Where an item sits in its list: unique strings, ascending in the list's order (descending if it is). */
export interface ListOrder<T> {
  readonly position: (item: T) => string;
  readonly descending: boolean;
}

/**
 * Slices the page after the position a token carries, as Google's tokens behave: a change to the
 * list between two requests (the list is rebuilt on any tenant change) skips or repeats only the
 * items that moved across the position, never one that stayed put, as an offset would.
 */
function pageAfter<T>(items: readonly T[], size: number, token: string | null, listKey: string, order: ListOrder<T>): Page<T> {
  const start = token
    ? firstAfter(
        items,
        decodeToken(token, listKey, (o): o is string => typeof o === 'string'),
        order,
      )
    : 0;
  const slice = items.slice(start, start + size);
  return {
    items: slice,
    ...(start + slice.length < items.length ? { nextPageToken: encodeToken(order.position(slice.at(-1)!), listKey) } : {}),
  };
}

/** The index of the first item past `last` (a binary search: positions follow the list's order). */
function firstAfter<T>(items: readonly T[], last: string, order: ListOrder<T>): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const at = order.position(items[middle]!);
    if (order.descending ? at >= last : at <= last) low = middle + 1;
    else high = middle;
  }
  return low;
}

function encodeToken(at: number | string, listKey: string): string {
  return Buffer.from(JSON.stringify({ o: at, k: fingerprint(listKey) })).toString('base64url');
}

function decodeToken<T>(token: string, listKey: string, valid: (at: unknown) => at is T): T {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown; k?: unknown };
    if (valid(parsed.o) && parsed.k === fingerprint(listKey)) return parsed.o;
  } catch {
    // falls through to Google's answer for a token it did not issue
  }
  throw new GoogleApiError(400, 'invalid', 'Invalid Input: pageToken');
}

function fingerprint(value: string): string {
  return hashString(value).toString(36);
}

export interface ListAnswer<T> {
  /** e.g. `admin#directory#users`. */
  readonly kind: string;
  /** The array member: `users`, `groups`, `members`. */
  readonly member: string;
  readonly items: readonly T[];
  readonly pageSize: number;
  readonly listKey: string;
  readonly order: ListOrder<T>;
  readonly present?: (item: T) => unknown;
}

/**
 * One page of a list method in Google's shape: kind, etag, the items (the member omitted when the
 * page is empty, as Google does), nextPageToken, then the request's `fields` mask over all of it.
 */
export function listResponse<T>(store: DirectoryStore, request: EmulatorRequest, answer: ListAnswer<T>): EmulatorResponse {
  const pageToken = request.query.get('pageToken');
  const { items, nextPageToken } = pageAfter(answer.items, answer.pageSize, pageToken, answer.listKey, answer.order);
  const body = {
    kind: answer.kind,
    etag: listEtag(store, answer.listKey, pageToken),
    ...(items.length > 0 ? { [answer.member]: answer.present ? items.map(answer.present) : items } : {}),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
  return json(200, withFields(body, request.query.get('fields')));
}

/** A response etag that changes when the tenant or the page changes, as Google's does. */
export function listEtag(store: DirectoryStore, listKey: string, pageToken: string | null): string {
  return `"${hashString(`${store.currentVersion}|${listKey}|${pageToken ?? ''}`).toString(36)}/${store.customerId}"`;
}
