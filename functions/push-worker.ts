import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { traceClient, traceHandler } from '../shared/adapters/tracing.js';
import { logger } from '../shared/logging/logger.js';
import { changesOfMessage, retrySoon } from '../shared/adapters/sqs/change-queue.js';
import type { PushChange } from '../shared/domain/push/changes.js';
import { createPushWorkerEnvironment } from '../shared/services/push/setup.js';
import { applyPushChanges } from '../shared/services/push/worker.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/**
 * Kept while the container is warm, as the local queue keeps it: one delegated token reused until it
 * expires, and one limiter pacing every batch, instead of a token exchange per batch.
 */
let environment: ReturnType<typeof createPushWorkerEnvironment> | undefined;
let sqs: SQSClient | undefined;

/**
 * Applies one SQS batch of verified notifications as one push batch (several notifications about one
 * person cost one fetch). Only the messages whose changes could not be applied are reported failed
 * (partial batch response): SQS redelivers those after the visibility timeout and moves one that
 * keeps failing to the dead-letter queue; the daily reconciliation repairs what it held.
 */
export const handler = traceHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  const messageOf = new Map<PushChange, string>();
  const unreadable: string[] = [];
  for (const record of event.Records) {
    try {
      for (const change of changesOfMessage(record.body)) messageOf.set(change, record.messageId);
    } catch {
      unreadable.push(record.messageId);
    }
  }
  environment ??= createPushWorkerEnvironment(dependencies()).catch((error: unknown) => {
    environment = undefined;
    throw error;
  });
  const env = await environment;
  const result = await applyPushChanges(env, [...messageOf.keys()]);
  const failed = new Set([...unreadable, ...result.failed.map((change) => messageOf.get(change)!)]);
  logger.info('push changes', {
    messages: event.Records.length,
    changes: messageOf.size,
    applied: result.applied,
    unchanged: result.unchanged,
    failedMessages: failed.size,
  });
  const retried = event.Records.filter((r) => failed.has(r.messageId) && !unreadable.includes(r.messageId) && r.receiptHandle);
  if (retried.length > 0)
    // Best effort: without it the message still comes back, after the queue's visibility timeout.
    await retrySoon(retried, (sqs ??= traceClient(new SQSClient({})))).catch((error: unknown) =>
      logger.warn('push retry not brought forward', { error: error instanceof Error ? error.message : String(error) }),
    );
  return { batchItemFailures: [...failed].map((itemIdentifier) => ({ itemIdentifier })) };
});
