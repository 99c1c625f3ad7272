import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { logger } from '../shared/logging/logger.js';
import { traceClient, traceHandler } from '../shared/adapters/tracing.js';
import { keyRingRotation, type RotationEvent } from '../shared/adapters/secrets/key-ring-rotation.js';

const rotateStep = keyRingRotation(traceClient(new SecretsManagerClient({})));

/** Secrets Manager's rotation function for the session/transaction key ring (scheduled by the data stack). */
export const handler = traceHandler(async (event: RotationEvent): Promise<void> => {
  logger.info('key ring rotation step', { step: event.Step, version: event.ClientRequestToken });
  await rotateStep(event);
});
