import { createHmac, timingSafeEqual } from 'node:crypto';
import { purposeKeys } from '../services/purpose-keys.js';
import { HttpError } from './http.js';
import type { Dependencies } from '../runtime/dependencies.js';

/**
 * Opaque, tamper-evident list cursors: `<key id>.<payload>.<HMAC-SHA256>` (base64url), keyed by the
 * session key ring (HKDF purpose `list-cursor`, so rotation is covered). The payload names the list
 * it continues (`bind`: route, query, index version…): a cursor from another list, another query,
 * an older index, or with any byte changed is a 400, never a wrong page.
 */
export const MAX_CURSOR_LENGTH = 2048;

type Keys = Pick<Dependencies, 'config' | 'secrets'>;

export async function signCursor(deps: Keys, bind: string, position: unknown): Promise<string> {
  const { current } = await purposeKeys(deps, 'list-cursor');
  const payload = Buffer.from(JSON.stringify({ b: bind, p: position })).toString('base64url');
  return `${current.id}.${payload}.${mac(current.key, current.id, payload)}`;
}

/** The position a cursor carries, after checking its signature and that it belongs to `bind`. */
export async function readCursor(deps: Keys, bind: string, cursor: string): Promise<unknown> {
  const invalid = (why: string) =>
    new HttpError(400, 'invalid_cursor', `The cursor is not valid for this list (${why}); start again without a cursor.`);
  if (cursor.length > MAX_CURSOR_LENGTH) throw invalid('too long');
  const [keyId, payload, signature, ...rest] = cursor.split('.');
  if (!keyId || !payload || !signature || rest.length > 0) throw invalid('malformed');
  const key = await (await purposeKeys(deps, 'list-cursor')).find(keyId);
  if (!key) throw invalid('unknown key');
  const expected = Buffer.from(mac(key.key, keyId, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid('bad signature');
  let parsed: { b?: unknown; p?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { b?: unknown; p?: unknown };
  } catch {
    throw invalid('malformed');
  }
  if (parsed.b !== bind) throw invalid('it belongs to another list, query or index version');
  return parsed.p;
}

function mac(key: Uint8Array, keyId: string, payload: string): string {
  return createHmac('sha256', key).update(`${keyId}.${payload}`).digest('base64url');
}
