import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { logger } from '../shared/logging/logger.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';
import { runSummary, runMetrics } from '../shared/sync/report.js';
import { runSync } from '../shared/sync/run.js';
import { sessionTerminator } from '../shared/sync/sessions.js';
import { createSyncEnvironment, syncOptions } from '../shared/sync/setup.js';

/** EventBridge Scheduler sends `{}`; an admin's manual run may send `{ force: true }`; a continuation `{ continuation: <runId> }`. */
export interface SyncEvent {
  readonly force?: boolean;
  readonly continuation?: string;
}

initDependencies();

let lambda: LambdaClient | undefined;

/**
 * The scheduled directory sync. One invocation does what fits in its time; when a run needs more
 * it checkpoints and invokes this function again asynchronously, which resumes from the checkpoint.
 */
export async function handler(event: SyncEvent, context: Context): Promise<Record<string, unknown>> {
  logger.addContext(context);
  const deps = dependencies();
  const env = await createSyncEnvironment(deps, { sessions: sessionTerminator(deps) });
  const outcome = await runSync(env, syncOptions(deps, {
    invocationId: context.awsRequestId,
    remainingMs: () => context.getRemainingTimeInMillis(),
    force: event.force === true,
    onProgress: (message) => logger.info(`directory sync: ${message}`),
  }));
  if (outcome.status === 'continue') {
    lambda ??= new LambdaClient({});
    await lambda.send(new InvokeCommand({
      FunctionName: context.invokedFunctionArn,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ continuation: outcome.runId } satisfies SyncEvent)),
    }));
  }
  if ('record' in outcome) logger.info('directory sync run', runMetrics(outcome.record));
  return runSummary(outcome);
}
