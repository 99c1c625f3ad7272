import { randomUUID } from 'node:crypto';
import { ServiceAccountKeyError } from '../../adapters/google/service-account-client.js';
import { SecretNotFoundError } from '../../adapters/secrets/secret-store.js';
import { systemClock } from '../../adapters/clock/clock.js';
import { runSync, zeroCounts, type SyncEnvironment, type SyncOptions, type SyncOutcome } from './run.js';
import type { SyncDependencies } from './dependencies.js';
import { createSyncEnvironment, syncOptions, type SyncWiring } from './setup.js';
import { SyncStateStore, type RunRecord } from '../../adapters/dynamodb/sync-state-store.js';

/**
 * One sync invocation as an entry point (the Lambda handler, `npm run sync`, the local host) starts
 * it: builds the environment, then runs. A setup that fails (the key missing, still the deploy's
 * placeholder, or not a key) ends as a failed run with a record and an error an admin can act on,
 * like any other failed run, instead of an exception nobody records.
 *
 * `untilDone`, for entry points with no time limit (`npm run sync`, the local host): a run that
 * hands over continues here at once, on the same environment (one key read, one token).
 */
export async function startSync(
  deps: SyncDependencies,
  wiring: SyncWiring,
  request: Pick<SyncOptions, 'invocationId' | 'remainingMs'> & Partial<SyncOptions>,
  { untilDone = false }: { readonly untilDone?: boolean } = {},
): Promise<SyncOutcome> {
  const options = syncOptions(deps, request);
  let env: SyncEnvironment;
  try {
    env = await createSyncEnvironment(deps, { ...wiring, timeLeftMs: () => options.remainingMs() - options.reserveMs });
  } catch (error) {
    const at = new Date((wiring.clock ?? systemClock).now()).toISOString();
    const record: RunRecord = {
      runId: randomUUID(),
      status: 'failed',
      startedAt: at,
      endedAt: at,
      durationMs: 0,
      forced: request.force === true,
      counts: zeroCounts(),
      memberships: { groupsChanged: 0, added: 0, removed: 0 },
      apiCalls: 0,
      retries: 0,
      itemWrites: 0,
      invocations: 1,
      errors: [{ code: 'setup', message: explainSetupFailure(error, deps.config) }],
    };
    if (request.dryRun) return { status: 'failed', record }; // a dry run writes nothing, this included
    try {
      await new SyncStateStore(deps.db, deps.config.tableName).putRunRecord(record);
    } catch (writeError) {
      throw new Error(
        `${record.errors[0]!.message} The run record could not be written either: ${writeError instanceof Error ? writeError.message : String(writeError)}`,
        { cause: writeError },
      );
    }
    return { status: 'failed', record };
  }
  let outcome: SyncOutcome;
  do outcome = await runSync(env, options);
  while (untilDone && outcome.status === 'continue');
  return outcome;
}

function explainSetupFailure(error: unknown, config: SyncDependencies['config']): string {
  const message = error instanceof Error ? error.message : String(error);
  if (
    (error instanceof SecretNotFoundError || error instanceof ServiceAccountKeyError) &&
    config.googleCredentials.mode === 'service-account-key'
  ) {
    return (
      `The service-account key in the secret ${config.googleCredentials.secretName} is empty or not a service-account key JSON (${message}) ` +
      'Put the key JSON there (docs/deploy.md, step 7: aws secretsmanager put-secret-value), then run the preflight (step 9).'
    );
  }
  return `Directory sync could not start: ${message}`;
}
