import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { currentKey, parseKeyRing, rotate } from '../../shared/adapters/secrets/key-ring.js';
import { keyRingRotation, nextKeyRing, RotationError } from '../../shared/adapters/secrets/key-ring-rotation.js';

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

describe('nextKeyRing', () => {
  it('starts a ring when the secret holds the generated placeholder (first rotation after deploy)', () => {
    const ring = nextKeyRing('k8#Zq-placeholder-password', day(0));
    expect(ring.keys).toHaveLength(1);
    expect(parseKeyRing(JSON.stringify(ring)).keys[0]!.createdAt).toBe(day(0).toISOString());
  });

  it('puts a new key first and keeps the previous one, however recent', () => {
    const first = rotate(undefined, day(0));
    const second = nextKeyRing(JSON.stringify(first), day(0.01));
    expect(second.keys.map((k) => k.createdAt)).toEqual([day(0.01).toISOString(), day(0).toISOString()]);
    expect(currentKey(second).id).not.toBe(currentKey(first).id);
  });

  it('drops keys retired longer ago than the grace period', () => {
    let ring = rotate(undefined, day(0)); // A
    ring = rotate(ring, day(30)); // B retires A at day 30
    ring = rotate(ring, day(60)); // C retires B at day 60
    const next = nextKeyRing(JSON.stringify(ring), day(75), 30); // D; A retired 45 days ago, B 15 days ago
    expect(next.keys.map((k) => k.createdAt)).toEqual([day(75), day(60), day(30)].map((d) => d.toISOString()));
  });
});

describe('rotation function steps (Secrets Manager has no local twin: mocked client)', () => {
  const sm = mockClient(SecretsManagerClient);
  afterEach(() => sm.reset());
  const rotation = keyRingRotation(new SecretsManagerClient({ region: 'eu-west-1' }), () => day(40));
  const event = (Step: 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret') => ({
    Step,
    SecretId: 'wb/keys',
    ClientRequestToken: 'v2',
  });
  const versions = (stages: Record<string, string[]>) =>
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: true, VersionIdsToStages: stages });

  it('createSecret writes the next ring as AWSPENDING under the request token', async () => {
    versions({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
    const current = rotate(undefined, day(0));
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSPENDING' }).rejects(
      new ResourceNotFoundException({ message: 'no value', $metadata: {} }),
    );
    sm.on(GetSecretValueCommand, { VersionStage: 'AWSCURRENT' }).resolves({ SecretString: JSON.stringify(current) });
    await rotation(event('createSecret'));
    const put = sm.commandCalls(PutSecretValueCommand)[0]!.args[0].input;
    expect(put).toMatchObject({ SecretId: 'wb/keys', ClientRequestToken: 'v2', VersionStages: ['AWSPENDING'] });
    const ring = parseKeyRing(put.SecretString!);
    expect(ring.keys.map((k) => k.id)).toEqual([expect.any(String), currentKey(current).id]);
    expect(currentKey(ring).createdAt).toBe(day(40).toISOString());
  });

  it('createSecret does nothing when the pending version already has a value (a retried step)', async () => {
    versions({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(rotate(undefined)) });
    await rotation(event('createSecret'));
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('testSecret rejects a pending value that is not a valid key ring', async () => {
    versions({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"keys":[]}' });
    await expect(rotation(event('testSecret'))).rejects.toThrow(/no keys/);
  });

  it('finishSecret moves AWSCURRENT to the new version', async () => {
    versions({ v1: ['AWSCURRENT'], v2: ['AWSPENDING'] });
    await rotation(event('finishSecret'));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)[0]!.args[0].input).toEqual({
      SecretId: 'wb/keys',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: 'v2',
      RemoveFromVersionId: 'v1',
    });
  });

  it('does nothing for a version that is already current, and refuses one that is not pending or rotation that is off', async () => {
    versions({ v2: ['AWSCURRENT'] });
    await rotation(event('finishSecret'));
    expect(sm.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(0);
    sm.reset();
    versions({ v1: ['AWSCURRENT'], v2: [] });
    await expect(rotation(event('createSecret'))).rejects.toBeInstanceOf(RotationError);
    sm.reset();
    sm.on(DescribeSecretCommand).resolves({ RotationEnabled: false, VersionIdsToStages: { v2: ['AWSPENDING'] } });
    await expect(rotation(event('createSecret'))).rejects.toThrow(/rotation enabled/);
  });
});
