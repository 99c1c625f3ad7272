import { decodeProtectedHeader, EncryptJWT, errors, jwtDecrypt } from 'jose';
import { LoginRejected } from './errors.js';
import type { PurposeKey, PurposeKeys } from './purpose-keys.js';

/**
 * The login transaction, kept in the browser instead of a server table: state, nonce, PKCE
 * verifier and where to return, encrypted and authenticated (JWE `dir` + A256GCM) with a key from
 * the session key ring. The `kid` header names the ring key, so a rotation keeps in-flight
 * sign-ins working, and a function whose cached ring lacks it re-reads the ring.
 */
export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
}

/** Ten minutes: long enough to pick an account and type a password, short enough to limit replay. */
export const TRANSACTION_TTL_SECONDS = 600;

/**
 * Transactions one browser may have in flight: a few tabs signing in at once. Each login start
 * beyond it evicts the oldest, so repeated starts (a script, a page reloading /auth/login) cannot
 * pile up cookies until every request fails with 431 (a "cookie bomb").
 */
export const MAX_TRANSACTIONS = 3;

export async function sealTransaction(transaction: LoginTransaction, keys: PurposeKeys, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return (
    new EncryptJWT({ ...transaction })
      // `iat` in the (authenticated, readable) header too: the eviction order, without decrypting every cookie.
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keys.current.id, iat })
      .setIssuedAt(iat)
      .setExpirationTime(iat + TRANSACTION_TTL_SECONDS)
      .encrypt(keys.current.key)
  );
}

export async function openTransaction(sealed: string, keys: PurposeKeys, now = Date.now()): Promise<LoginTransaction> {
  const key = await keyNamedBy(sealed, keys);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, key.key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      currentDate: new Date(now),
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new LoginRejected('transaction_expired');
    throw new LoginRejected('transaction_invalid');
  }
  const { state, nonce, codeVerifier, returnTo } = payload;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof returnTo !== 'string') {
    throw new LoginRejected('transaction_invalid');
  }
  return { state, nonce, codeVerifier, returnTo };
}

/**
 * The transaction cookies (name → sealed value) to delete so that, with the one about to be
 * added, at most MAX_TRANSACTIONS remain: the oldest first, by the `iat` in their header; a cookie
 * whose header cannot be read counts as oldest.
 */
export function transactionsToEvict(transactions: ReadonlyArray<readonly [string, string]>): string[] {
  const excess = transactions.length - (MAX_TRANSACTIONS - 1);
  if (excess <= 0) return [];
  const byAge = transactions.map(([name, sealed], order) => ({ name, order, iat: sealedAt(sealed) }));
  byAge.sort((a, b) => a.iat - b.iat || a.order - b.order);
  return byAge.slice(0, excess).map((t) => t.name);
}

function sealedAt(sealed: string): number {
  try {
    const { iat } = decodeProtectedHeader(sealed);
    return typeof iat === 'number' ? iat : 0;
  } catch {
    return 0;
  }
}

/** Looked up before decrypting, so a failure to re-read the ring is an outage (500), not a damaged cookie. */
async function keyNamedBy(sealed: string, keys: PurposeKeys): Promise<PurposeKey> {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(sealed).kid;
  } catch {
    throw new LoginRejected('transaction_invalid');
  }
  const key = typeof kid === 'string' ? await keys.find(kid) : undefined;
  if (!key) throw new LoginRejected('transaction_invalid');
  return key;
}
