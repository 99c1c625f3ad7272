import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { SyncRunStarted } from '../contract/api.js';
import { traceClient } from '../adapters/tracing.js';
import { HttpError } from '../http/http.js';
import type { Dependencies } from '../runtime/dependencies.js';

let lambda: LambdaClient | undefined;

/** How an admin's "run now" started the sync. */
export type SyncStart = SyncRunStarted['started'];

/**
 * Starts a directory sync run now. In AWS the sync Lambda is invoked asynchronously (it has the
 * time budget, the lease and the continuation logic; the API answers at once). Locally the local
 * host's in-process runner takes it (`Dependencies.startSyncInProcess`).
 */
export async function startSyncRun(deps: Dependencies, force: boolean): Promise<SyncStart> {
  if (deps.config.mode === 'aws') {
    const functionName = deps.config.syncFunctionName;
    if (!functionName) throw new HttpError(503, 'sync_not_configured', 'SYNC_FUNCTION_NAME is not set for the API function.');
    await invokeSyncFunction(functionName, { force });
    return 'invoked';
  }
  if (!deps.startSyncInProcess) throw new HttpError(503, 'sync_not_configured', 'This process has no sync runner.');
  await deps.startSyncInProcess(force);
  return 'started-in-process';
}

/**
 * Sign-in met a `sub` the directory does not hold: the sync side reads that one person from
 * Google and stores them (sign-in itself never holds the Google key). In AWS an asynchronous
 * invocation of the sync function; locally the local host's in-process runner. Callers dedupe and
 * budget the requests first (claimUserFetch).
 */
export async function requestUserFetch(deps: Dependencies, userId: string): Promise<void> {
  if (deps.config.mode === 'aws') {
    const functionName = deps.config.syncFunctionName;
    if (!functionName) throw new Error('SYNC_FUNCTION_NAME is not set for the sign-in callback function.');
    await invokeSyncFunction(functionName, { fetchUser: userId });
    return;
  }
  if (!deps.fetchUserInProcess) throw new Error('This process has no sync runner to fetch a new user.');
  deps.fetchUserInProcess(userId);
}

/** What the API, sign-in and the sync function itself (a run's next invocation) ask of the sync function (its handler's SyncEvent reads these). */
export type SyncRequest = { readonly force: boolean } | { readonly fetchUser: string } | { readonly continuation: string };

/** One asynchronous invocation (InvocationType Event): the payload the sync handler reads. */
export async function invokeSyncFunction(functionName: string, request: SyncRequest): Promise<void> {
  lambda ??= traceClient(new LambdaClient({}));
  const result = await lambda.send(
    new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(request)) }),
  );
  if (result.StatusCode !== 202)
    throw new Error(`Lambda answered ${result.StatusCode} to the asynchronous invocation of the sync function.`);
}
