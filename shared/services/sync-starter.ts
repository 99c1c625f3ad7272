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
    await invokeSyncFunction(functionName, force);
    return 'invoked';
  }
  if (!deps.startSyncInProcess) throw new HttpError(503, 'sync_not_configured', 'This process has no sync runner.');
  await deps.startSyncInProcess(force);
  return 'started-in-process';
}

/** One asynchronous invocation (InvocationType Event): the payload the sync handler reads. */
export async function invokeSyncFunction(functionName: string, force: boolean): Promise<void> {
  lambda ??= traceClient(new LambdaClient({}));
  const result = await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ force })) }));
  if (result.StatusCode !== 202) throw new Error(`Lambda answered ${result.StatusCode} to the asynchronous invocation of the sync function.`);
}
