import { randomBytes } from 'node:crypto';

/**
 * A key ring stored as one secret (JSON): encrypt or sign with the newest key, accept any listed
 * key, so a rotation adds a key, waits out the longest lifetime it protects, then drops the old one.
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
    if (typeof key?.id !== 'string' || typeof key.secret !== 'string' || Buffer.from(key.secret, 'base64url').length !== 32 || typeof key.createdAt !== 'string') {
      throw new InvalidKeyRingError('Every key needs an id, a 32-byte base64url secret and a createdAt time.');
    }
  }
  return { keys: [...(keys as KeyRingKey[])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
}

/** The key to encrypt or sign with: the newest. */
export function currentKey(ring: KeyRing): KeyRingKey {
  const key = ring.keys[0];
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
