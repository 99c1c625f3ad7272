import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalSecretStore } from '../../local/secrets/local-secret-store.js';
import { AwsSecretStore } from '../../shared/adapters/secrets/aws-secret-store.js';
import { currentKey, KEY_ACTIVATION_DELAY_MS, parseKeyRing, rotate } from '../../shared/adapters/secrets/key-ring.js';
import { SecretNotFoundError } from '../../shared/adapters/secrets/secret-store.js';

describe('local secret store', () => {
  it('creates a secret on first use as a 0600 file and returns the same value afterwards', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    let generated = 0;
    const store = new LocalSecretStore(join(dir, 'secrets'), { keys: { generate: () => `value-${++generated}` } });
    expect(await store.get('keys')).toBe('value-1');
    expect(await new LocalSecretStore(join(dir, 'secrets'), { keys: { generate: () => 'other' } }).get('keys')).toBe('value-1');
    expect((await stat(join(dir, 'secrets', 'keys'))).mode & 0o777).toBe(0o600);
  });

  it('reads a file another process writes and explains what to do while it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    const file = join(dir, 'sa.json');
    const store = new LocalSecretStore(dir, { sa: { file, hint: 'start the emulator.' } });
    await expect(store.get('sa')).rejects.toThrow(/Secret sa is missing or empty: start the emulator\./);
    await writeFile(file, '{"type":"service_account"}');
    expect(await store.get('sa')).toBe('{"type":"service_account"}');
    await expect(store.get('unknown')).rejects.toBeInstanceOf(SecretNotFoundError);
  });
});

describe('AWS secret store (Secrets Manager has no local twin: mocked client)', () => {
  it('caches a value for maxAge and asks again after it, so rotations are picked up', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'v1' }).resolves({ SecretString: 'v2' });
    const store = new AwsSecretStore({ client: new SecretsManagerClient({ region: 'eu-west-1' }), maxAgeSeconds: 1 });
    expect(await store.get('wb/keys')).toBe('v1');
    expect(await store.get('wb/keys')).toBe('v1');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await store.get('wb/keys')).toBe('v2');
    expect(sm.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: 'wb/keys' });
    sm.restore();
  });

  it('asks again within maxAge when told the cached value may be stale (fresh)', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolvesOnce({ SecretString: 'v1' }).resolves({ SecretString: 'v2' });
    const store = new AwsSecretStore({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });
    expect(await store.get('wb/keys')).toBe('v1');
    expect(await store.get('wb/keys', { fresh: true })).toBe('v2');
    expect(await store.get('wb/keys')).toBe('v2');
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    sm.restore();
  });

  it('treats an empty secret as missing, pointing at the deploy guide', async () => {
    const sm = mockClient(SecretsManagerClient);
    sm.on(GetSecretValueCommand).resolves({ SecretString: '' });
    const store = new AwsSecretStore({ client: new SecretsManagerClient({ region: 'eu-west-1' }) });
    await expect(store.get('wb/sa')).rejects.toThrow(/deploy guide/);
    sm.restore();
  });
});

describe('key ring', () => {
  it('seals with a new key only once it is older than the activation delay, and keeps the old one for decryption', () => {
    const first = rotate(undefined, new Date('2026-01-01'));
    const rotatedAt = Date.parse('2026-02-01');
    const second = parseKeyRing(JSON.stringify(rotate(first, new Date(rotatedAt))));
    expect(second.keys).toHaveLength(2);
    expect(currentKey(second, rotatedAt + KEY_ACTIVATION_DELAY_MS - 1).createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(currentKey(second, rotatedAt + KEY_ACTIVATION_DELAY_MS).createdAt).toBe('2026-02-01T00:00:00.000Z');
    // Nothing old enough (a fresh ring, or rotations close together after a reset): the oldest key.
    expect(currentKey(first, Date.parse('2026-01-01')).createdAt).toBe('2026-01-01T00:00:00.000Z');
    expect(currentKey(rotate(first, new Date('2026-01-01T00:01:00Z')), Date.parse('2026-01-01T00:02:00Z')).id).toBe(first.keys[0]!.id);
    expect(() => parseKeyRing('{"keys":[{"id":"a","secret":"short","createdAt":"x"}]}')).toThrow(/32-byte/);
  });
});
