import { HttpError, readJsonBody, type HttpRequest } from './http.js';
import { words } from '../domain/people/normalize.js';
import { MAX_CURSOR_LENGTH } from './cursor.js';
import { GOOGLE_USER_ID } from '../domain/directory/google-ids.js';

/**
 * Input checks shared by the directory API's routes: every parameter is checked for shape and size
 * before anything reads the table, and each failure names the parameter (400 JSON).
 */
export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_WORDS = 10;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
export const MAX_ACCESS_GROUPS = 100;

/**
 * The shape of every id that reaches a store, checked before any read, so nothing over-long or
 * malformed becomes a DynamoDB key (a key over its size limit is a 500 there, not a 400):
 * Google's user ids (the ID token `sub`) have the one shape of GOOGLE_USER_ID; its group ids
 * are short lower-case alphanumerics (15 characters today, bounded with room to spare); a
 * session's public id is the base64url SHA-256 of its cookie, 43 characters.
 */
const ID_SHAPES = {
  user: { pattern: GOOGLE_USER_ID, code: 'invalid_user_id', what: 'a directory user id (up to 255 letters, digits, - or _)' },
  group: { pattern: /^[0-9a-z]{1,32}$/, code: 'invalid_group_id', what: 'a directory group id (up to 32 lower-case letters and digits)' },
  session: { pattern: /^[A-Za-z0-9_-]{43}$/, code: 'invalid_session_id', what: 'a session id (43 base64url characters)' },
} as const;

export type IdKind = keyof typeof ID_SHAPES;

const bad = (code: string, message: string) => new HttpError(400, code, message);

export function isId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPES[kind].pattern.test(value);
}

/** The `{id}` path parameter as an id of `kind`, or a 400 naming the shape it must have. */
export function idParam(kind: IdKind): (request: HttpRequest) => string {
  const { code, what } = ID_SHAPES[kind];
  return (request) => {
    const id = request.params.id;
    if (!isId(kind, id)) throw bad(code, `The id in the path must be ${what}.`);
    return id;
  };
}

export const userIdParam = idParam('user');
export const groupIdParam = idParam('group');
export const sessionIdParam = idParam('session');

/** A body field as an id of `kind`, or a 400 naming the field and the shape. */
export function idField(kind: IdKind, name: string, value: unknown): string {
  if (!isId(kind, value)) throw bad(ID_SHAPES[kind].code, `${name} must be ${ID_SHAPES[kind].what}.`);
  return value;
}

/** A query parameter given at most once. */
function single(request: HttpRequest, name: string): string | undefined {
  const values = request.query.getAll(name);
  if (values.length > 1) throw bad('invalid_parameter', `Give ${name} at most once.`);
  return values[0];
}

/** `q`, optional (undefined when absent or blank): at least one word, at most MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words. */
export function searchQuery(request: HttpRequest): string | undefined {
  const q = single(request, 'q')?.trim();
  if (q === undefined || q === '') return undefined;
  if (q.length > MAX_QUERY_LENGTH) throw bad('invalid_query', `The query is longer than ${MAX_QUERY_LENGTH} characters.`);
  const count = words(q).length;
  if (count === 0) throw bad('invalid_query', 'The query has no letters or digits to search for.');
  if (count > MAX_QUERY_WORDS) throw bad('invalid_query', `The query has more than ${MAX_QUERY_WORDS} words.`);
  return q;
}

/** A filter's text value: at most MAX_QUERY_LENGTH characters; undefined when absent or blank. */
export function filterParam(request: HttpRequest, name: string): string | undefined {
  const value = single(request, name)?.trim();
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_QUERY_LENGTH) throw bad('invalid_parameter', `${name} is longer than ${MAX_QUERY_LENGTH} characters.`);
  return value;
}

/** A directory user id in the query string (`manager=<id>`). */
export function userIdQuery(request: HttpRequest, name: string): string | undefined {
  const value = single(request, name);
  if (value === undefined) return undefined;
  return idField('user', name, value);
}

export function pageSize(request: HttpRequest): number {
  const raw = single(request, 'limit');
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE)
    throw bad('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  return Number(raw);
}

/** A list cursor as we issue them (`<key id>.<payload>.<MAC>`, base64url, bounded); its signature is checked by the list. */
export function cursorParam(request: HttpRequest): string | undefined {
  const cursor = single(request, 'cursor');
  if (cursor === '') throw bad('invalid_cursor', 'The cursor is empty; leave it out for the first page.');
  if (cursor !== undefined && (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor))) {
    throw bad('invalid_cursor', 'The cursor is not one this API issued; start again without a cursor.');
  }
  return cursor;
}

export function booleanParam(request: HttpRequest, name: string, fallback: boolean): boolean {
  const raw = single(request, name);
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw bad('invalid_parameter', `${name} must be true or false.`);
  return raw === 'true';
}

/** A JSON object body (415/413/400 from readJsonBody for anything else); `optional` accepts an empty body as {}. */
export function objectBody(
  request: HttpRequest,
  allowed: readonly string[],
  options: { optional?: boolean } = {},
): Record<string, unknown> {
  if (options.optional && (request.body === undefined || request.body === '')) return {};
  const body = readJsonBody(request, 16 * 1024);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('invalid_body', 'The body must be a JSON object.');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw bad('invalid_body', `Unknown field ${unknown[0]!.slice(0, 40)}; expected ${allowed.join(', ')}.`);
  return body as Record<string, unknown>;
}

export const isGroupId = (value: unknown): value is string => isId('group', value);
