import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoginRejected } from '../../shared/domain/auth/errors.js';
import { FRESH_READ_INTERVAL_MS, purposeKeys, RING_TTL_MS } from '../../shared/services/purpose-keys.js';
import {
  MAX_TRANSACTIONS,
  openTransaction,
  sealTransaction,
  TRANSACTION_TTL_SECONDS,
  transactionsToEvict,
} from '../../shared/domain/auth/transaction-cookie.js';
import { loadConfig } from '../../shared/config/config.js';
import { SECRET_CACHE_SECONDS } from '../../shared/adapters/secrets/aws-secret-store.js';
import { KEY_ACTIVATION_DELAY_MS, rotate, type KeyRing } from '../../shared/adapters/secrets/key-ring.js';
import type { SecretStore } from '../../shared/adapters/secrets/secret-store.js';

const config = loadConfig({ RUNTIME_MODE: 'local' });
/** A secret store holding one key ring; each instance has its own key cache. */
const ringStore = (ring: KeyRing): SecretStore => ({ get: async () => JSON.stringify(ring) });
const keysFor = (ring: KeyRing) => purposeKeys({ config, secrets: ringStore(ring) }, 'transaction-cookie');
const reason = (promise: Promise<unknown>) =>
  promise.then(
    () => 'opened',
    (error: unknown) => (error instanceof LoginRejected ? error.reason : String(error)),
  );
const transaction = { state: 's'.repeat(43), nonce: 'n'.repeat(43), codeVerifier: 'v'.repeat(43), returnTo: '/x' };

/** A function's view of the secret: a ring that can change under it, counting the reads that bypass caches. */
function changingStore(ring: KeyRing) {
  const store = {
    ring,
    freshReads: 0,
    get: async (_name: string, options?: { fresh?: boolean }) => {
      if (options?.fresh) store.freshReads += 1;
      return JSON.stringify(store.ring);
    },
  };
  return store;
}

describe('login transaction cookie', () => {
  it('round-trips, and survives a key rotation (sealed with the old key, opened with the new ring)', async () => {
    const old = rotate(undefined, new Date('2026-01-01'));
    const sealed = await sealTransaction(transaction, await keysFor(old));
    expect(await openTransaction(sealed, await keysFor(old))).toEqual(transaction);
    expect(await openTransaction(sealed, await keysFor(rotate(old, new Date('2026-02-01'))))).toEqual(transaction);
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

describe('a key rotation seen by functions at different times', () => {
  afterEach(() => vi.useRealTimers());
  const rotatedAt = Date.parse('2026-03-01T12:00:00Z');
  const old = rotate(undefined, new Date('2026-01-01'));
  const rotated = rotate(old, new Date(rotatedAt));
  const at = (msAfterRotation: number) => vi.setSystemTime(rotatedAt + msAfterRotation);

  it('waits longer than a function can hold the previous ring (the secret store caches it, then the key cache)', () => {
    expect(KEY_ACTIVATION_DELAY_MS).toBeGreaterThan(SECRET_CACHE_SECONDS * 1000 + RING_TTL_MS);
  });

  it('seals with the previous key until every reader can know the new one (auth-login has the new ring, auth-callback the old)', async () => {
    at(60_000);
    const stale = changingStore(old); // the secret as a function that has not re-read it yet sees it
    const sealed = await sealTransaction(transaction, await keysFor(rotated));
    expect(await reason(openTransaction(sealed, await purposeKeys({ config, secrets: stale }, 'transaction-cookie')))).toBe('opened');
    expect(stale.freshReads).toBe(0);
    at(KEY_ACTIVATION_DELAY_MS);
    expect((await keysFor(rotated)).current.id).toBe(rotated.keys[0]!.id);
  });

  it('re-reads the ring past its caches when a cookie names a key the cached ring lacks (a ring reset or put by hand)', async () => {
    at(KEY_ACTIVATION_DELAY_MS);
    const store = changingStore(old);
    const reader = { config, secrets: store };
    await purposeKeys(reader, 'transaction-cookie'); // cached for a minute
    store.ring = rotated;
    const sealed = await sealTransaction(transaction, await keysFor(rotated));
    expect(await reason(openTransaction(sealed, await purposeKeys(reader, 'transaction-cookie')))).toBe('opened');
    expect(store.freshReads).toBe(1);
  });

  it('re-reads at most once per interval, however many cookies name unknown (forged) keys', async () => {
    at(0);
    const store = changingStore(old);
    const reader = { config, secrets: store };
    const forged = await sealTransaction(transaction, await keysFor(rotate(undefined)));
    for (let i = 0; i < 5; i++)
      expect(await reason(openTransaction(forged, await purposeKeys(reader, 'transaction-cookie')))).toBe('transaction_invalid');
    expect(store.freshReads).toBe(1);
    at(FRESH_READ_INTERVAL_MS);
    expect(await reason(openTransaction(forged, await purposeKeys(reader, 'transaction-cookie')))).toBe('transaction_invalid');
    expect(store.freshReads).toBe(2);
  });
});

describe('transaction cookie eviction', () => {
  it('evicts the oldest by sealing time, unreadable ones first, leaving room for one more', async () => {
    const keys = await keysFor(rotate(undefined));
    const at = (seconds: number) => sealTransaction(transaction, keys, Date.UTC(2026, 0, 1, 0, 0, seconds));
    const cookies: Array<[string, string]> = [
      ['c', await at(3)],
      ['a', await at(1)],
      ['junk', 'not-a-jwe'],
      ['d', await at(4)],
      ['b', await at(2)],
    ];
    expect(transactionsToEvict(cookies)).toEqual(['junk', 'a', 'b']);
    expect(transactionsToEvict(cookies.slice(0, MAX_TRANSACTIONS - 1))).toEqual([]);
  });
});
