import { describe, expect, it } from 'vitest';
import { LoginRejected } from '../../shared/auth/errors.js';
import { purposeKeys } from '../../shared/auth/keys.js';
import { openTransaction, sealTransaction, TRANSACTION_TTL_SECONDS } from '../../shared/auth/transaction-cookie.js';
import { loadConfig } from '../../shared/config/config.js';
import { rotate, type KeyRing } from '../../shared/secrets/key-ring.js';
import type { SecretStore } from '../../shared/secrets/secret-store.js';

const config = loadConfig({ RUNTIME_MODE: 'local' });
/** A secret store holding one key ring; each instance has its own key cache. */
const ringStore = (ring: KeyRing): SecretStore => ({ get: async () => JSON.stringify(ring) });
const keysFor = (ring: KeyRing) => purposeKeys({ config, secrets: ringStore(ring) }, 'transaction-cookie');
const reason = (promise: Promise<unknown>) => promise.then(() => 'opened', (error: unknown) => (error instanceof LoginRejected ? error.reason : String(error)));
const transaction = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(43), returnTo: '/x' };

describe('login transaction cookie', () => {
  it('round-trips, and survives a key rotation (sealed with the old key, opened with the new ring)', async () => {
    const old = rotate(undefined, new Date('2026-01-01'));
    const sealed = await sealTransaction(transaction, await keysFor(old));
    expect(await openTransaction(sealed, await keysFor(old))).toEqual(transaction);
    const rotated = rotate(old, new Date('2026-02-01'));
    expect(await openTransaction(sealed, await keysFor(rotated))).toEqual(transaction);
    // New transactions use the newest key, which the old ring does not know.
    const sealedNew = await sealTransaction(transaction, await keysFor(rotated));
    expect(await reason(openTransaction(sealedNew, await keysFor(old)))).toBe('transaction_invalid');
  });

  it('expires after ten minutes', async () => {
    const keys = await keysFor(rotate(undefined));
    const now = Date.parse('2026-05-01T10:00:00Z');
    const sealed = await sealTransaction(transaction, keys, now);
    expect(await reason(openTransaction(sealed, keys, now + (TRANSACTION_TTL_SECONDS - 1) * 1000))).toBe('opened');
    expect(await reason(openTransaction(sealed, keys, now + (TRANSACTION_TTL_SECONDS + 1) * 1000))).toBe('transaction_expired');
  });

  it('refuses tampering, foreign keys and garbage', async () => {
    const ring = rotate(undefined);
    const keys = await keysFor(ring);
    const sealed = await sealTransaction(transaction, keys);
    const parts = sealed.split('.');
    const flipped = [...parts];
    // The first character of the ciphertext carries six real bits (a last one may carry padding).
    flipped[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    expect(await reason(openTransaction(flipped.join('.'), keys))).toBe('transaction_invalid');
    expect(await reason(openTransaction(sealed, await keysFor(rotate(undefined))))).toBe('transaction_invalid');
    expect(await reason(openTransaction('not-a-jwe', keys))).toBe('transaction_invalid');
    // The same ring's key for another purpose would differ: HKDF separates purposes.
    expect(Buffer.from(keys.current.key).toString('base64url')).not.toBe(ring.keys[0]!.secret);
  });
});
