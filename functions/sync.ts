import type { Context } from 'aws-lambda';
import { traceHandler } from '../shared/adapters/tracing.js';
import { logger } from '../shared/logging/logger.js';
import { scheduledSyncDue } from '../shared/services/push/health.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';
import { startSync } from '../shared/services/sync/invocation.js';
import { preflightReport } from '../shared/adapters/google/preflight.js';
import { emitRunMetrics, runSummary } from '../shared/services/sync/report.js';
import { sessionTerminator } from '../shared/services/sync/sessions.js';
import { fetchOneUser } from '../shared/services/sync/fetch-one-user.js';
import { invokeSyncFunction } from '../shared/services/sync-starter.js';

/**
 * EventBridge Scheduler sends `{ trigger: 'schedule' }`; an admin's manual run may send `{ force: true }`;
 * a continuation `{ continuation: <runId> }`; the deploy guide's check `{ preflight: true }`; sign-in,
 * for a person created after the last run, `{ fetchUser: <Google user id> }` (that one user only).
 */
export interface SyncEvent {
  /** The schedule's event: with push healthy, a run only when the daily reconciliation is due. */
  readonly trigger?: 'schedule';
  readonly force?: boolean;
  readonly continuation?: string;
  /** Check the key, each delegated scope and the admin subject, and answer with what is wrong; no sync. */
  readonly preflight?: boolean;
  /** Read this one user from Google (users.get) and store them; no run, no lease. */
  readonly fetchUser?: string;
}

initDependencies();

export const handler = traceHandler(handleSyncEvent);

/**
 * The scheduled directory sync. One invocation does what fits in its time; when a run needs more
 * it checkpoints and invokes this function again asynchronously, which resumes from the checkpoint.
 *
 * Failed and refused runs return normally, on purpose: their run record and the metric line (alarmed
 * on status) are how they reach an admin. Throwing would make Lambda retry the event twice: a
 * refused run would fetch the whole directory twice more only to be refused again, and a setup or
 * delegation failure would fail the same way twice more; a transient failure is resumed from its
 * checkpoint by the next scheduled run anyway. What does throw is what could not be recorded (the
 * table unreachable, the configuration invalid): there the on-failure destination is the only
 * trace, and a retry may get through. Crashes and timeouts reach it the same way.
 */
async function handleSyncEvent(event: SyncEvent, context: Context): Promise<Record<string, unknown>> {
  logger.addContext(context);
  const deps = dependencies();
  if (event.preflight === true) {
    const report = await preflightReport(deps);
    logger.info('directory sync preflight', { ...report });
    return { ...report };
  }
  if (event.fetchUser !== undefined) {
    // Not retried on failure either: the person's next sign-in attempt after the request window asks again.
    const result = await fetchOneUser(deps, { sessions: sessionTerminator(deps) }, event.fetchUser).catch((error: unknown) => {
      logger.error('directory: could not fetch one user for sign-in', { userId: event.fetchUser, error });
      return 'failed' as const;
    });
    logger.info('directory: fetched one user for sign-in', { userId: event.fetchUser, result });
    return { fetchUser: event.fetchUser, result };
  }
  if (event.trigger === 'schedule' && deps.config.push.enabled) {
    const { due, reason } = await scheduledSyncDue(deps.db, deps.config.tableName, Date.now());
    if (!due) {
      logger.info('directory sync skipped', { reason });
      return { status: 'skipped', reason };
    }
  }
  const outcome = await startSync(
    deps,
    { sessions: sessionTerminator(deps) },
    {
      invocationId: context.awsRequestId,
      remainingMs: () => context.getRemainingTimeInMillis(),
      force: event.force === true,
      onProgress: (message) => logger.info(`directory sync: ${message}`),
    },
  );
  if (outcome.status === 'continue') await invokeSyncFunction(context.invokedFunctionArn, { continuation: outcome.runId });
  if ('record' in outcome) emitRunMetrics(outcome.record);
  return runSummary(outcome);
}
