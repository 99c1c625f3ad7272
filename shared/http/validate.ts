import { HttpError, readJsonBody, type HttpRequest } from './http.js';
import { words } from '../domain/people/normalize.js';

/**
 * Input checks shared by the directory API's routes: every parameter is checked for shape and size
 * before anything reads the table, and each failure names the parameter (400 JSON).
 */
export const MAX_QUERY_LENGTH = 200;
export const MAX_QUERY_WORDS = 10;
export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;
export const MAX_ACCESS_GROUPS = 100;

/** Directory user ids are Google's numeric ids (the ID token `sub`). */
const USER_ID = /^\d{1,40}$/;
/** Google group ids: short lower-case alphanumerics. */
const GROUP_ID = /^[0-9a-z]{1,64}$/;

const bad = (code: string, message: string) => new HttpError(400, code, message);

export function userIdParam(request: HttpRequest): string {
  const id = request.params.id ?? '';
  if (!USER_ID.test(id)) throw bad('invalid_user_id', 'The user id must be a directory user id (digits).');
  return id;
}

export function groupIdParam(request: HttpRequest): string {
  const id = request.params.id ?? '';
  if (!GROUP_ID.test(id)) throw bad('invalid_group_id', 'The group id must be a directory group id (lower-case letters and digits).');
  return id;
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
  if (!USER_ID.test(value)) throw bad('invalid_parameter', `${name} must be a directory user id (digits).`);
  return value;
}

export function pageSize(request: HttpRequest): number {
  const raw = single(request, 'limit');
  if (raw === undefined) return DEFAULT_PAGE_SIZE;
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_PAGE_SIZE) throw bad('invalid_limit', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`);
  return Number(raw);
}

export function cursorParam(request: HttpRequest): string | undefined {
  const cursor = single(request, 'cursor');
  if (cursor === '') throw bad('invalid_cursor', 'The cursor is empty; leave it out for the first page.');
  return cursor;
}

export function booleanParam(request: HttpRequest, name: string, fallback: boolean): boolean {
  const raw = single(request, name);
  if (raw === undefined) return fallback;
  if (raw !== 'true' && raw !== 'false') throw bad('invalid_parameter', `${name} must be true or false.`);
  return raw === 'true';
}

/** A JSON object body (415/413/400 from readJsonBody for anything else); `optional` accepts an empty body as {}. */
export function objectBody(request: HttpRequest, allowed: readonly string[], options: { optional?: boolean } = {}): Record<string, unknown> {
  if (options.optional && (request.body === undefined || request.body === '')) return {};
  const body = readJsonBody(request, 16 * 1024);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('invalid_body', 'The body must be a JSON object.');
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw bad('invalid_body', `Unknown field ${unknown[0]!.slice(0, 40)}; expected ${allowed.join(', ')}.`);
  return body as Record<string, unknown>;
}

export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID.test(value);
}

export function isGroupId(value: unknown): value is string {
  return typeof value === 'string' && GROUP_ID.test(value);
}
