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

export async function sealTransaction(transaction: LoginTransaction, keys: PurposeKeys, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new EncryptJWT({ ...transaction })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: keys.current.id })
    .setIssuedAt(iat)
    .setExpirationTime(iat + TRANSACTION_TTL_SECONDS)
    .encrypt(keys.current.key);
}

export async function openTransaction(sealed: string, keys: PurposeKeys, now = Date.now()): Promise<LoginTransaction> {
  const key = await keyNamedBy(sealed, keys);
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtDecrypt(sealed, key.key, {
      keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], currentDate: new Date(now), requiredClaims: ['exp'],
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
