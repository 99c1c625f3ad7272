import type { LocalSyncRunner } from './sync-in-process.js';

/**
 * `npm start`'s stand-in for the EventBridge schedule: one sync at start, then every
 * SYNC_SCHEDULE (`rate(…)`; a `cron(…)` expression runs every 15 minutes locally). Returns a stop function.
 */
export function scheduleLocalSync(runner: LocalSyncRunner, schedule: string): () => void {
  const intervalMs = rateMs(schedule) ?? 15 * 60_000;
  const syncOnce = () => void runner.start({ force: false, trigger: 'schedule' });
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
