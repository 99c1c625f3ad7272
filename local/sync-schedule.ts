import { randomUUID } from 'node:crypto';
import type { Dependencies } from '../shared/runtime/dependencies.js';
import { logger } from '../shared/logging/logger.js';
import { runSummary } from '../shared/sync/report.js';
import { runSync } from '../shared/sync/run.js';
import { sessionTerminator } from '../shared/sync/sessions.js';
import { createSyncEnvironment, syncOptions } from '../shared/sync/setup.js';

/**
 * `npm start`'s stand-in for the EventBridge schedule: one sync at start, then every
 * SYNC_SCHEDULE (`rate(…)`; a `cron(…)` expression runs every 15 minutes locally). Returns a stop function.
 */
export function scheduleLocalSync(deps: Dependencies): () => void {
  const intervalMs = rateMs(deps.config.syncSchedule) ?? 15 * 60_000;
  let running: Promise<void> | undefined;
  const syncOnce = () => {
    running ??= (async () => {
      try {
        const env = await createSyncEnvironment(deps, { sessions: sessionTerminator(deps) });
        const outcome = await runSync(env, syncOptions(deps, {
          invocationId: `local-${randomUUID()}`,
          remainingMs: () => Number.POSITIVE_INFINITY,
          onProgress: (message) => logger.debug(`directory sync: ${message}`),
        }));
        logger.info('directory sync', runSummary(outcome));
      } catch (error) {
        logger.error('directory sync could not run', { error: error instanceof Error ? error.message : String(error) });
      } finally {
        running = undefined;
      }
    })();
  };
  syncOnce();
  const timer = setInterval(syncOnce, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** `rate(N minutes|hours|days)` in ms; undefined for cron expressions. */
export function rateMs(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) return undefined;
  const unit = match[2]!.startsWith('minute') ? 60_000 : match[2]!.startsWith('hour') ? 3_600_000 : 86_400_000;
  return Number(match[1]) * unit;
}
