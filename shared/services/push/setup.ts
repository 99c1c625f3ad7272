import type { Config, SyncConfig } from '../../config/config.js';
import { syncTokenSource } from '../../adapters/google/credentials.js';
import { delegatedAuthClient } from '../../adapters/google/delegated-token.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { sessionTerminator } from '../sync/sessions.js';
import { createSyncEnvironment, type SyncWiring } from '../sync/setup.js';
import type { TargetedEnvironment } from '../sync/targeted.js';
import { GoogleWatchClient, WATCH_SCOPES } from '../../adapters/google/watch.js';
import { channelPolicy, type ManagerDeps } from './manager.js';

type PushDependencies = Pick<Dependencies, 'db' | 'secrets' | 'awsCredentials'> & { readonly config: Config };

/** The worker's environment: the full sync's (same key, scopes, limiter and backoff), sessions ended through the session store. */
export function createPushWorkerEnvironment(deps: PushDependencies, wiring: Partial<SyncWiring> = {}): Promise<TargetedEnvironment> {
  return createSyncEnvironment(deps, { sessions: sessionTerminator(deps), ...wiring });
}

/** Google's watch and stop methods with the sync's own credentials (key or keyless: adapters/google/credentials.ts) and the watch scopes. */
export async function createWatchClient(
  deps: Pick<Dependencies, 'secrets' | 'awsCredentials'> & {
    readonly config: Pick<SyncConfig, 'googleCredentials' | 'googleAdminSubject' | 'googleApiRoot'>;
  },
): Promise<GoogleWatchClient> {
  return new GoogleWatchClient(delegatedAuthClient(await syncTokenSource(deps), WATCH_SCOPES), deps.config.googleApiRoot);
}

/** The channel manager's dependencies: the watch client, the receiver's address, the channel policy. */
export async function createManagerDeps(deps: PushDependencies, now: () => number = Date.now): Promise<ManagerDeps> {
  const { config } = deps;
  return {
    db: deps.db,
    tableName: config.tableName,
    watch: await createWatchClient(deps),
    address: config.push.receiverUrl,
    now,
    policy: channelPolicy(config.push.channelTtlHours * 3_600_000),
  };
}
