import { LoginRejected } from './errors.js';

/**
 * Also the cap on the normalised result: it keeps each transaction cookie near 1 KB, so the few a
 * browser may hold at once (MAX_TRANSACTIONS) and the session cookie stay under 4 KB together.
 */
const MAX_LENGTH = 512;
const DECODE_ROUNDS = 4;

/**
 * The only post-sign-in destinations we accept: a same-origin relative path. Rejects
 * protocol-relative (`//host`, `/\host`), backslashes anywhere, absolute and scheme URLs
 * (`javascript:`), control characters, and the same tricks hidden behind percent-encoding (decoded
 * repeatedly, so double encoding does not help) or mixed case. Returns the normalised path, query
 * and fragment.
 */
export function parseReturnTo(raw: string | null | undefined, appOrigin: string): string {
  if (raw === null || raw === undefined || raw === '') return '/';
  if (raw.length > MAX_LENGTH) throw new LoginRejected('return_to_invalid');
  let current = raw;
  for (let round = 0; ; round++) {
    assertSafePath(current);
    const next = decodeOnce(current, round === 0);
    if (next === current) break;
    if (round === DECODE_ROUNDS) throw new LoginRejected('return_to_invalid');
    current = next;
  }
  const url = new URL(raw, `${appOrigin}/`);
  if (url.origin !== appOrigin) throw new LoginRejected('return_to_invalid');
  const normalised = `${url.pathname}${url.search}${url.hash}`;
  // The URL parser removes dot segments (`/.//host`, `/a/..//host`, `/%2e//host` become `//host`,
  // protocol-relative again) and percent-encodes non-ASCII (one "é" becomes six characters), so
  // what we answer with is checked again, not only what we were given.
  assertSafePath(normalised);
  if (normalised.length > MAX_LENGTH) throw new LoginRejected('return_to_invalid');
  return normalised;
}

function assertSafePath(path: string): void {
  // eslint-disable-next-line no-control-regex
  if (!path.startsWith('/') || path.startsWith('//') || path.includes('\\') || /[\u0000-\u001f\u007f]/.test(path)) {
    throw new LoginRejected('return_to_invalid');
  }
}

/** The raw value must be valid percent-encoding; a decoded value that no longer decodes (a literal `%`) is final. */
function decodeOnce(value: string, strict: boolean): string {
  try {
    return decodeURIComponent(value);
  } catch {
    if (strict) throw new LoginRejected('return_to_invalid');
    return value;
  }
}
