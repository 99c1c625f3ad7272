/**
 * The push worker: applies a batch of queued changes, each to its one user or group, by
 * re-reading it from Google (a notification says only *that* something changed). Several
 * notifications for the same target in one batch cost one fetch; the last state wins because the
 * state applied is Google's current one, whatever order the notifications came in.
 */
import { logger } from '../../logging/logger.js';
import { refreshSearchIndex } from '../../adapters/dynamodb/people-index-store.js';
import { forEachConcurrent } from '../../domain/sync/pool.js';
import { noIndexChanges, publishIndexChanges } from '../sync/index-deltas.js';
import { syncOneGroup, syncOneUser, type TargetedEnvironment, type TargetedOutcome, type TargetedStats } from '../sync/targeted.js';
import type { PushChange } from '../../domain/push/changes.js';
import { recordApplied } from '../../adapters/dynamodb/push-channels.js';

/** User fetches in flight at once; the shared limiter sets the pace. Group changes go one at a time (they share ancestors). */
const USER_CONCURRENCY = 8;

export interface PushBatchResult {
  /** Targets whose stored state changed. */
  readonly applied: number;
  readonly unchanged: number;
  /** Changes that could not be applied (Google or DynamoDB failed past the retries): the caller retries them. */
  readonly failed: readonly PushChange[];
  /** Per applied target: change in Google (or receipt) → stored, ms. */
  readonly lagsMs: readonly number[];
}

interface Target {
  readonly change: PushChange;
  /** Every change of the batch for this target. */
  readonly all: PushChange[];
}

export interface PushBatchOptions {
  /**
   * Run `refreshSearchIndex` before returning (default): after the batch's deltas are written, it
   * rebuilds the index only when the deltas pending have grown past their bound (or a delta could
   * not be written). The local queue runs it apart, so the next batch never waits for a rebuild.
   */
  readonly publishIndex?: boolean;
}

/** The User Timing entry each batch records (name; `detail.targets`): the benchmark reads the worker's time per change from it. */
export const PUSH_BATCH_MEASURE = 'push-worker-batch';

export async function applyPushChanges(
  env: TargetedEnvironment,
  changes: readonly PushChange[],
  options: PushBatchOptions = {},
): Promise<PushBatchResult> {
  const started = performance.now();
  const targets = new Map<string, Target>();
  for (const change of changes) {
    const key = change.kind === 'user' ? `user:${change.userId}` : `group:${change.groupKey}`;
    const target = targets.get(key);
    if (target) target.all.push(change);
    else targets.set(key, { change, all: [change] });
  }
  const outcomes: Array<{ target: Target; outcome: TargetedOutcome | 'failed' }> = [];
  const stats: TargetedStats = { itemWrites: 0, index: noIndexChanges() };
  const run = async (target: Target) => {
    const { change } = target;
    try {
      const outcome =
        change.kind === 'user' ? await syncOneUser(env, change.userId, stats) : await syncOneGroup(env, change.groupKey, stats);
      outcomes.push({ target, outcome });
    } catch (error) {
      logger.warn('push change not applied; it will be retried', {
        kind: change.kind,
        event: change.event,
        error: error instanceof Error ? error.message : String(error),
      });
      outcomes.push({ target, outcome: 'failed' });
    }
  };
  const all = [...targets.values()];
  await forEachConcurrent(
    all.filter((t) => t.change.kind === 'user'),
    USER_CONCURRENCY,
    run,
  );
  for (const target of all.filter((t) => t.change.kind === 'group')) await run(target);

  const applied = outcomes.filter((o) => o.outcome !== 'failed' && o.outcome !== 'unchanged' && o.outcome !== 'absent');
  // The changed people and groups reach readers as deltas over the published index: no rebuild per batch.
  await publishIndexChanges(env.db, env.tableName, stats.index);
  // Also when nothing applied: a batch redelivered after a failed delta write applies nothing, and
  // its stale mark is what tells this refresh to rebuild (one GetItem otherwise).
  if (options.publishIndex !== false) await refreshSearchIndex(env.db, env.tableName);
  const now = env.clock.now();
  const lagsMs = applied.map(({ target }) => now - Math.min(...target.all.map((c) => c.changedAt ?? c.receivedAt)));
  // Health counters only: the batch is applied either way, so a failure here must not send it back.
  await recordApplied(env.db, env.tableName, new Date(now), lagsMs).catch((error: unknown) =>
    logger.warn('push health counters not recorded', { error: error instanceof Error ? error.message : String(error) }),
  );
  performance.measure(PUSH_BATCH_MEASURE, { start: started, detail: { targets: targets.size } });
  performance.clearMeasures(PUSH_BATCH_MEASURE); // observers still see it; nothing piles up in a warm function
  return {
    applied: applied.length,
    unchanged: outcomes.filter((o) => o.outcome === 'unchanged' || o.outcome === 'absent').length,
    failed: outcomes.filter((o) => o.outcome === 'failed').flatMap((o) => o.target.all),
    lagsMs,
  };
}
