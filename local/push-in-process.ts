import { logger } from '../shared/logging/logger.js';
import { refreshSearchIndex } from '../shared/adapters/dynamodb/people-index-store.js';
import type { ChangeQueue, PushChange } from '../shared/domain/push/changes.js';
import { createPushWorkerEnvironment } from '../shared/services/push/setup.js';
import { applyPushChanges } from '../shared/services/push/worker.js';
import type { TargetedEnvironment } from '../shared/services/sync/targeted.js';
import type { Dependencies } from '../shared/runtime/dependencies.js';

/** How long the queue gathers changes before the worker takes them as one batch. */
const GATHER_MS = 50;
const RETRY_MS = { first: 1_000, max: 30_000 } as const;

export interface InProcessChangeQueue extends ChangeQueue {
  /** Resolves when nothing is queued or being applied (tests, benchmark, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * The local stand-in for the worker Lambda and its queue: changes gathered for a moment, applied
 * as one batch by the same worker; a batch's failures are queued again after a growing delay (as
 * SQS redelivers a failed message), so a Google or DynamoDB fault loses no change. Each batch writes
 * its search-index deltas; the rebuild that a stale mark or the delta bound calls for runs beside
 * the batches, one at a time, so no change waits behind a rebuild of the whole index.
 */
export function createInProcessChangeQueue(deps: () => Dependencies & { config: Dependencies['config'] }): InProcessChangeQueue {
  let queued: PushChange[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let retryDelay: number = RETRY_MS.first;
  let env: Promise<TargetedEnvironment> | undefined;
  let stopped = false;
  let publishing: Promise<void> | undefined;
  let publishAgain = false;

  /** One index refresh at a time (a rebuild only when stale or past the delta bound); changes applied during one get one more. */
  const publish = () => {
    if (publishing) {
      publishAgain = true;
      return;
    }
    publishing = (async () => {
      do {
        publishAgain = false;
        const { db, config } = deps();
        await refreshSearchIndex(db, config.tableName).catch((error: unknown) =>
          logger.warn('search index publish failed; the next change or sync retries', {
            error: error instanceof Error ? error.message : String(error),
          }),
        );
      } while (publishAgain && !stopped);
    })().finally(() => {
      publishing = undefined;
    });
  };

  const schedule = (delay: number) => {
    if (stopped || timer || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      running = drain().finally(() => {
        running = undefined;
        if (queued.length > 0) schedule(retryDelay > RETRY_MS.first ? retryDelay : GATHER_MS);
      });
    }, delay);
  };

  const drain = async () => {
    const batch = queued;
    queued = [];
    try {
      env ??= createPushWorkerEnvironment(deps());
      const result = await applyPushChanges(await env, batch, { publishIndex: false });
      // Every batch (one GetItem when nothing is due): a stale mark from a failed delta write is rebuilt on the retry.
      publish();
      logger.info('push changes', {
        changes: batch.length,
        applied: result.applied,
        unchanged: result.unchanged,
        failed: result.failed.length,
      });
      queued.push(...result.failed);
      retryDelay = result.failed.length > 0 ? Math.min(retryDelay * 2, RETRY_MS.max) : RETRY_MS.first;
    } catch (error) {
      env = undefined;
      logger.warn('push batch failed; retrying', { error: error instanceof Error ? error.message : String(error) });
      queued.push(...batch);
      retryDelay = Math.min(retryDelay * 2, RETRY_MS.max);
    }
  };

  return {
    async enqueue(changes) {
      queued.push(...changes);
      schedule(GATHER_MS);
    },
    async idle() {
      while (timer || running || publishing || queued.length > 0) {
        if (running) await running;
        else if (publishing) await publishing;
        else await new Promise((ok) => setTimeout(ok, 10));
      }
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
