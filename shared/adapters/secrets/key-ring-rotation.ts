import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { InvalidKeyRingError, KEY_ACTIVATION_DELAY_MS, parseKeyRing, rotate, type KeyRing } from './key-ring.js';

/**
 * Scheduled rotation of the session/transaction key ring through Secrets Manager's four-step
 * rotation protocol (createSecret, setSecret, testSecret, finishSecret). Each rotation puts a fresh
 * key at the top of the ring (accepted at once, sealing only after KEY_ACTIVATION_DELAY_MS) and
 * drops keys retired longer ago than the grace period, so cookies sealed with the previous key stay
 * readable until they expire anyway.
 *
 * The first rotation (right after `cdk deploy`) finds the placeholder Secrets Manager generated,
 * which is not a key ring, and starts a new ring: no key material ever passes through CloudFormation.
 */

/** How long a replaced key is still accepted; longer than any session or transaction it protects. */
export const RETIRED_KEY_GRACE_DAYS = 30;

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

export interface RotationEvent {
  readonly Step: RotationStep;
  readonly SecretId: string;
  readonly ClientRequestToken: string;
}

export class RotationError extends Error {
  override name = 'RotationError';
}

/** The ring after one rotation: a new key first, then the keys still within their grace period. */
export function nextKeyRing(currentValue: string | undefined, now: Date, graceDays = RETIRED_KEY_GRACE_DAYS): KeyRing {
  let current: KeyRing | undefined;
  try {
    current = currentValue === undefined ? undefined : parseKeyRing(currentValue);
  } catch (error) {
    if (!(error instanceof InvalidKeyRingError)) throw error;
  }
  if (!current) return rotate(undefined, now);
  const oldestAccepted = now.getTime() - graceDays * 86_400_000;
  // A key retires when its successor starts sealing; the newest key retires after this rotation.
  const kept = current.keys.filter(
    (_, i) => i === 0 || Date.parse(current.keys[i - 1]!.createdAt) + KEY_ACTIVATION_DELAY_MS >= oldestAccepted,
  );
  return rotate({ keys: kept }, now);
}

export function keyRingRotation(client: SecretsManagerClient, clock: () => Date = () => new Date()) {
  const stagesOf = async (secretId: string, token: string): Promise<readonly string[]> => {
    const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    if (!described.RotationEnabled) throw new RotationError(`Secret ${secretId} does not have rotation enabled.`);
    const stages = described.VersionIdsToStages?.[token];
    if (!stages) throw new RotationError(`Secret ${secretId} has no version ${token} to rotate to.`);
    return stages;
  };

  const steps: Record<RotationStep, (secretId: string, token: string) => Promise<void>> = {
    async createSecret(secretId, token) {
      try {
        await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        return; // A retried step: the pending ring already exists.
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
      const current = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: 'AWSCURRENT' }));
      const ring = nextKeyRing(current.SecretString, clock());
      await client.send(
        new PutSecretValueCommand({
          SecretId: secretId,
          ClientRequestToken: token,
          SecretString: JSON.stringify(ring),
          VersionStages: ['AWSPENDING'],
        }),
      );
    },
    // The ring is only read by our own functions; there is no downstream service to update.
    async setSecret() {},
    async testSecret(secretId, token) {
      const pending = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionId: token, VersionStage: 'AWSPENDING' }));
      parseKeyRing(pending.SecretString ?? '');
    },
    async finishSecret(secretId, token) {
      const described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
      const current = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
      if (current === token) return;
      await client.send(
        new UpdateSecretVersionStageCommand({
          SecretId: secretId,
          VersionStage: 'AWSCURRENT',
          MoveToVersionId: token,
          RemoveFromVersionId: current,
        }),
      );
    },
  };

  return async (event: RotationEvent): Promise<void> => {
    const step = steps[event.Step];
    if (!step) throw new RotationError(`Unknown rotation step ${JSON.stringify(event.Step)}.`);
    const stages = await stagesOf(event.SecretId, event.ClientRequestToken);
    if (stages.includes('AWSCURRENT')) return; // Already finished: nothing left to do for this version.
    if (!stages.includes('AWSPENDING')) throw new RotationError(`Version ${event.ClientRequestToken} is not pending rotation.`);
    await step(event.SecretId, event.ClientRequestToken);
  };
}
