import type { Context } from 'aws-lambda';
import { logger } from '../shared/logging/logger.js';
import type { PushWorkerEvent } from '../shared/adapters/lambda/lambda-queue.js';
import { createPushWorkerEnvironment } from '../shared/services/push/setup.js';
import { applyPushChanges } from '../shared/services/push/worker.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/**
 * Applies the changes one verified notification carried. A change that could not be applied
 * fails the invocation: Lambda retries the event (the applied ones are then unchanged, so free)
 * and sends it to the dead-letter queue after the last retry; the daily reconciliation repairs it.
 */
export async function handler(event: PushWorkerEvent, context: Context): Promise<Record<string, unknown>> {
  logger.addContext(context);
  if (!Array.isArray(event?.changes)) throw new Error('A push worker event carries { changes: [...] }.');
  const env = await createPushWorkerEnvironment(dependencies());
  const result = await applyPushChanges(env, event.changes);
  const summary = { changes: event.changes.length, applied: result.applied, unchanged: result.unchanged, failed: result.failed.length };
  logger.info('push changes', summary);
  if (result.failed.length > 0) throw new Error(`${result.failed.length} push changes not applied; retrying.`);
  return summary;
}
