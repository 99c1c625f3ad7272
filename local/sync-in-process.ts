import { randomUUID } from 'node:crypto';
import { HttpError } from '../shared/http/http.js';
import { logger } from '../shared/logging/logger.js';
import { scheduledSyncDue } from '../shared/services/push/health.js';
import type { Dependencies } from '../shared/runtime/dependencies.js';
import { startSync } from '../shared/services/sync/invocation.js';
import { runSummary } from '../shared/services/sync/report.js';
import { sessionTerminator } from '../shared/services/sync/sessions.js';
import { fetchOneUser } from '../shared/services/sync/fetch-one-user.js';

export interface LocalSyncRunner {
  /** Starts a run in the background; false when one is already running. */
  start(options: { readonly force: boolean; readonly trigger: 'schedule' | 'admin' }): boolean;
  /** The running run, if any (for shutdown and tests). */
  readonly running: Promise<void> | undefined;
}

/**
 * Directory sync inside the local process, standing in for the sync Lambda: the schedule and an
 * admin's "run now" share it, so only one run goes at a time (the lease in DynamoDB would refuse a
 * second anyway; this answers the admin at once instead).
 */
export function createLocalSyncRunner(deps: () => Dependencies): LocalSyncRunner {
  let running: Promise<void> | undefined;
  return {
    get running() {
      return running;
    },
    start({ force, trigger }) {
      if (running) return false;
      running = runToCompletion(deps, force, trigger).finally(() => {
        running = undefined;
      });
      return true;
    },
  };
}

async function runToCompletion(dependencies: () => Dependencies, force: boolean, trigger: string): Promise<void> {
  try {
    const deps = dependencies();
    if (trigger === 'schedule' && deps.config.push.enabled) {
      const { due, reason } = await scheduledSyncDue(deps.db, deps.config.tableName, Date.now());
      if (!due) {
        logger.debug('directory sync skipped', { reason });
        return;
      }
    }
    const outcome = await startSync(
      deps,
      { sessions: sessionTerminator(deps) },
      {
        invocationId: `local-${trigger}-${randomUUID()}`,
        remainingMs: () => Number.POSITIVE_INFINITY,
        force,
        onProgress: (message) => logger.debug(`directory sync: ${message}`),
      },
      { untilDone: true },
    );
    logger.info('directory sync', { trigger, ...runSummary(outcome) });
  } catch (error) {
    logger.error('directory sync could not run', { trigger, error: error instanceof Error ? error.message : String(error) });
  }
}

/** The admin route's hook (`Dependencies.startSyncInProcess`): 409 while a run is going. */
export function startSyncForAdmin(runner: LocalSyncRunner): (force: boolean) => Promise<void> {
  return async (force) => {
    if (!runner.start({ force, trigger: 'admin' }))
      throw new HttpError(409, 'sync_running', 'A sync run is already running; try again when it has finished.');
  };
}

/** Sign-in's hook (`Dependencies.fetchUserInProcess`): the sync Lambda's `{ fetchUser }`, in the background. */
export function fetchUserInBackground(dependencies: () => Dependencies): (userId: string) => void {
  return (userId) => {
    const deps = dependencies();
    fetchOneUser(deps, { sessions: sessionTerminator(deps) }, userId).then(
      (result) => logger.info('directory: fetched one user for sign-in', { userId, result }),
      (error: unknown) =>
        logger.error('directory: could not fetch one user for sign-in', {
          userId,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  };
}
