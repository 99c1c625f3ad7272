import { hkdfSync } from 'node:crypto';
import type { Dependencies } from '../runtime/dependencies.js';
import { currentKey, parseKeyRing, type KeyRing, type KeyRingKey } from '../adapters/secrets/key-ring.js';
import type { SecretStore } from '../adapters/secrets/secret-store.js';
import type { PurposeKey, PurposeKeys } from '../domain/auth/purpose-keys.js';

/**
 * Keys for what sign-in protects, derived from the session key ring (one secret) with HKDF, one
 * key per purpose, so a key used to encrypt login transactions can never decrypt anything else.
 * The ring is re-read at most every few minutes in a warm Lambda (the secret store caches it), so
 * a rotation is picked up without a redeploy.
 */
export type KeyPurpose = 'transaction-cookie' | 'list-cursor';

export type { PurposeKey, PurposeKeys };

/** Sized with KEY_ACTIVATION_DELAY_MS in key-ring.ts, which must outlast it plus the secret store's cache. */
export const RING_TTL_MS = 60_000;
/** At most one cache-bypassing re-read per process in this time, so forged key ids cannot make every request a Secrets Manager call. */
export const FRESH_READ_INTERVAL_MS = 30_000;

/** Per secret store (one per process in Lambda; tests run several local apps in one process). */
const cachedRings = new WeakMap<SecretStore, { raw: string; ring: KeyRing; readAt: number }>();
const freshReads = new WeakMap<SecretStore, { at: number; ring: Promise<KeyRing> }>();
const derived = new Map<string, Uint8Array>();

type Deps = Pick<Dependencies, 'config' | 'secrets'>;

export async function purposeKeys(deps: Deps, purpose: KeyPurpose): Promise<PurposeKeys> {
  const ring = await keyRing(deps, false);
  const forPurpose = (k: KeyRingKey): PurposeKey => ({ id: k.id, key: derive(k.secret, purpose) });
  const listed = (r: KeyRing, id: string) => r.keys.find((k) => k.id === id);
  return {
    current: forPurpose(currentKey(ring)),
    async find(id) {
      const key = listed(ring, id) ?? listed(await freshRing(deps), id);
      return key && forPurpose(key);
    },
  };
}

async function keyRing(deps: Deps, fresh: boolean): Promise<KeyRing> {
  const cached = cachedRings.get(deps.secrets);
  if (!fresh && cached && Date.now() - cached.readAt < RING_TTL_MS) return cached.ring;
  const raw = await deps.secrets.get(deps.config.secretNames.sessionKeys, { fresh });
  const ring = cached?.raw === raw ? cached.ring : parseKeyRing(raw);
  cachedRings.set(deps.secrets, { raw, ring, readAt: Date.now() });
  return ring;
}

/** The ring read past every cache; requests within one interval share that read (and its outcome). */
function freshRing(deps: Deps): Promise<KeyRing> {
  const last = freshReads.get(deps.secrets);
  if (last && Date.now() - last.at < FRESH_READ_INTERVAL_MS) return last.ring;
  const ring = keyRing(deps, true);
  freshReads.set(deps.secrets, { at: Date.now(), ring });
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
