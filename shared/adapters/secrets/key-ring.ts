import { randomBytes } from 'node:crypto';

/**
 * A key ring stored as one secret (JSON): accept any listed key, seal (encrypt or sign) with the
 * newest key every reader has had time to learn, so a rotation adds a key (accepted at once, sealing
 * after KEY_ACTIVATION_DELAY_MS), waits out the longest lifetime it protects, then drops the old one.
 */
export interface KeyRingKey {
  readonly id: string;
  /** 32 random bytes, base64url. */
  readonly secret: string;
  readonly createdAt: string;
}

export interface KeyRing {
  readonly keys: readonly KeyRingKey[];
}

export class InvalidKeyRingError extends Error {
  override name = 'InvalidKeyRingError';
}

export function parseKeyRing(raw: string): KeyRing {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidKeyRingError('The key ring secret is not JSON.');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new InvalidKeyRingError('The key ring has no keys.');
  for (const key of keys as KeyRingKey[]) {
    if (
      typeof key?.id !== 'string' ||
      typeof key.secret !== 'string' ||
      Buffer.from(key.secret, 'base64url').length !== 32 ||
      typeof key.createdAt !== 'string'
    ) {
      throw new InvalidKeyRingError('Every key needs an id, a 32-byte base64url secret and a createdAt time.');
    }
  }
  return { keys: [...(keys as KeyRingKey[])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
}

/**
 * How long a new key is only accepted before it also seals: longer than any warm function can hold
 * the previous ring (the AWS secret store's 5 minutes plus the key cache's 1 minute in
 * shared/services/purpose-keys.ts, a test holds it to both), with room for clock skew. Sealing with a key at
 * once would let one function (auth-login, a page of a list) seal what another, still holding the
 * old ring, cannot open: the pending-then-current staging of a rotation, told by `createdAt` alone.
 */
export const KEY_ACTIVATION_DELAY_MS = 10 * 60_000;

/**
 * The key to seal with: the newest key older than KEY_ACTIVATION_DELAY_MS or, where none is (a
 * fresh ring, or rotations close together after a reset), the oldest, the one readers most likely
 * have. Keys are newest first (parseKeyRing, rotate).
 */
export function currentKey(ring: KeyRing, now = Date.now()): KeyRingKey {
  const key = ring.keys.find((k) => Date.parse(k.createdAt) + KEY_ACTIVATION_DELAY_MS <= now) ?? ring.keys.at(-1);
  if (!key) throw new InvalidKeyRingError('The key ring has no keys.');
  return key;
}

export function newKey(now = new Date()): KeyRingKey {
  return { id: randomBytes(6).toString('base64url'), secret: randomBytes(32).toString('base64url'), createdAt: now.toISOString() };
}

/** A ring with a fresh key first and the existing keys after it (rotation step one). */
export function rotate(ring: KeyRing | undefined, now = new Date()): KeyRing {
  return { keys: [newKey(now), ...(ring?.keys ?? [])] };
}
