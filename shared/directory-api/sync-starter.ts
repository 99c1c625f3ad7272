import { randomUUID } from 'node:crypto';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { HttpError } from '../http/http.js';
import { logger } from '../logging/logger.js';
import type { Dependencies } from '../runtime/dependencies.js';
import { runSummary } from '../sync/report.js';
import { runSync } from '../sync/run.js';
import { sessionTerminator } from '../sync/sessions.js';
import { createSyncEnvironment, syncOptions } from '../sync/setup.js';

let lambda: LambdaClient | undefined;
let localRun: Promise<void> | undefined;

/** How an admin's "run now" started the sync. */
export type SyncStart = 'invoked' | 'started-in-process';

/**
 * Starts a directory sync run now. In AWS the sync Lambda is invoked asynchronously (it has the
 * time budget, the lease and the continuation logic; the API answers at once). Locally the run
 * goes in this process in the background, as `npm start`'s schedule runs it.
 */
export async function startSyncRun(deps: Dependencies, force: boolean): Promise<SyncStart> {
  if (deps.config.mode === 'aws') {
    const functionName = deps.config.syncFunctionName;
    if (!functionName) throw new HttpError(503, 'sync_not_configured', 'SYNC_FUNCTION_NAME is not set for the API function.');
    await invokeSyncFunction(functionName, force);
    return 'invoked';
  }
  if (localRun) throw new HttpError(409, 'sync_running', 'A sync run started from here is still running.');
  localRun = runLocally(deps, force).finally(() => { localRun = undefined; });
  return 'started-in-process';
}

/** One asynchronous invocation (InvocationType Event): the payload the sync handler reads. */
export async function invokeSyncFunction(functionName: string, force: boolean): Promise<void> {
  lambda ??= new LambdaClient({});
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ force })) }));
  if (result.StatusCode !== 202) throw new Error(`Lambda answered ${result.StatusCode} to the asynchronous invocation of the sync function.`);
}

async function runLocally(deps: Dependencies, force: boolean): Promise<void> {
  try {
    const env = await createSyncEnvironment(deps, { sessions: sessionTerminator(deps) });
    const invocationId = `api-${randomUUID()}`;
    let outcome;
    do {
      outcome = await runSync(env, syncOptions(deps, { invocationId, remainingMs: () => Number.POSITIVE_INFINITY, force }));
    } while (outcome.status === 'continue');
    logger.info('directory sync (started by an admin)', runSummary(outcome));
  } catch (error) {
    logger.error('directory sync could not run', { error: error instanceof Error ? error.message : String(error) });
  }
}
