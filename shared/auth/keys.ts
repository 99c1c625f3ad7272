import { hkdfSync } from 'node:crypto';
import type { Dependencies } from '../runtime/dependencies.js';
import { parseKeyRing, type KeyRing } from '../secrets/key-ring.js';

/**
 * Keys for what sign-in protects, derived from the session key ring (one secret) with HKDF, one
 * key per purpose, so a key used to encrypt login transactions can never decrypt anything else.
 * The ring is re-read at most every few minutes in a warm Lambda (the secret store caches it), so
 * a rotation is picked up without a redeploy.
 */
export type KeyPurpose = 'transaction-cookie' | 'list-cursor';

export interface PurposeKey {
  readonly id: string;
  readonly key: Uint8Array;
}

export interface PurposeKeys {
  /** The key to encrypt with: derived from the newest ring key. */
  readonly current: PurposeKey;
  /** Every accepted key by id. */
  readonly byId: ReadonlyMap<string, PurposeKey>;
}

const RING_TTL_MS = 60_000;
/** Per secret store (one per process in Lambda; tests run several local apps in one process). */
const cachedRings = new WeakMap<object, { raw: string; ring: KeyRing; readAt: number }>();
const derived = new Map<string, Uint8Array>();

export async function purposeKeys(deps: Pick<Dependencies, 'config' | 'secrets'>, purpose: KeyPurpose): Promise<PurposeKeys> {
  const ring = await keyRing(deps);
  const keys = ring.keys.map((k) => ({ id: k.id, key: derive(k.secret, purpose) }));
  return { current: keys[0]!, byId: new Map(keys.map((k) => [k.id, k])) };
}

async function keyRing(deps: Pick<Dependencies, 'config' | 'secrets'>): Promise<KeyRing> {
  const cached = cachedRings.get(deps.secrets);
  if (cached && Date.now() - cached.readAt < RING_TTL_MS) return cached.ring;
  const raw = await deps.secrets.get(deps.config.secretNames.sessionKeys);
  const ring = cached?.raw === raw ? cached.ring : parseKeyRing(raw);
  cachedRings.set(deps.secrets, { raw, ring, readAt: Date.now() });
  return ring;
}

function derive(secret: string, purpose: KeyPurpose): Uint8Array {
  const cacheKey = `${purpose}:${secret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = new Uint8Array(hkdfSync('sha256', Buffer.from(secret, 'base64url'), Buffer.alloc(0), `workspace-bridge ${purpose} v1`, 32));
    derived.set(cacheKey, key);
  }
  return key;
}
