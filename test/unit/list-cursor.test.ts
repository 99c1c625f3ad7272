import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { readCursor, signCursor } from '../../shared/http/cursor.js';
import { rotate, type KeyRing } from '../../shared/adapters/secrets/key-ring.js';
import type { SecretStore } from '../../shared/adapters/secrets/secret-store.js';

/** A secret store holding one key ring (a new store object per ring: the ring cache is per store). */
const keysWith = (ring: KeyRing) => ({
  config: loadConfig({ RUNTIME_MODE: 'local' }),
  secrets: { get: async () => JSON.stringify(ring) } as unknown as SecretStore,
});

describe('list cursors', () => {
  const ring = rotate(undefined);
  const keys = keysWith(ring);

  it('round-trips a position bound to its list', async () => {
    const cursor = await signCursor(keys, 'people|v1|ada', 25);
    expect(await readCursor(keys, 'people|v1|ada', cursor)).toBe(25);
    await expect(readCursor(keys, 'people|v2|ada', cursor)).rejects.toMatchObject({ status: 400, code: 'invalid_cursor' });
  });

  it('stays valid across a key rotation until the old key is dropped', async () => {
    const cursor = await signCursor(keys, 'groups||', { pk: 'x' });
    const rotated = rotate(ring);
    expect(await readCursor(keysWith(rotated), 'groups||', cursor)).toEqual({ pk: 'x' });
    await expect(readCursor(keysWith({ keys: [rotated.keys[0]!] }), 'groups||', cursor)).rejects.toMatchObject({ status: 400 });
  });

  it('is signed with the previous key right after a rotation, so an instance still holding the old ring verifies it', async () => {
    const cursor = await signCursor(keysWith(rotate(ring)), 'groups||', 1);
    expect(await readCursor(keys, 'groups||', cursor)).toBe(1);
  });

  it('refuses any changed byte, a forged payload and malformed text', async () => {
    const cursor = await signCursor(keys, 'b', 5);
    const [kid, payload, mac] = cursor.split('.');
    const forged = `${kid}.${Buffer.from(JSON.stringify({ b: 'b', p: 500 })).toString('base64url')}.${mac}`;
    for (const bad of [forged, `${cursor}A`, `${kid}.${payload}`, `x.${payload}.${mac}`, 'a.b.c.d', '', 'x'.repeat(3000)]) {
      await expect(readCursor(keys, 'b', bad)).rejects.toMatchObject({ status: 400, code: 'invalid_cursor' });
    }
  });
});
