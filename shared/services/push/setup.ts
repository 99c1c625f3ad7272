import type { Config } from '../../config/config.js';
import { delegatedJwtClient, parseServiceAccountKey } from '../../adapters/google/service-account-client.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { sessionTerminator } from '../sync/sessions.js';
import { createSyncEnvironment, type SyncWiring } from '../sync/setup.js';
import type { TargetedEnvironment } from '../sync/targeted.js';
import { GoogleWatchClient, WATCH_SCOPES } from '../../adapters/google/watch.js';
import { channelPolicy, type ManagerDeps } from './manager.js';

type PushDependencies = Pick<Dependencies, 'db' | 'secrets'> & { readonly config: Config };

/** The worker's environment: the full sync's (same key, scopes, limiter and backoff), sessions ended through the session store. */
export function createPushWorkerEnvironment(deps: PushDependencies, wiring: Partial<SyncWiring> = {}): Promise<TargetedEnvironment> {
  return createSyncEnvironment(deps, { sessions: sessionTerminator(deps), ...wiring });
}

/** The channel manager's dependencies: Google's watch methods with the users and Reports audit scopes, the receiver's address. */
export async function createManagerDeps(deps: PushDependencies, now: () => number = Date.now): Promise<ManagerDeps> {
  const { config } = deps;
  const key = parseServiceAccountKey(await deps.secrets.get(config.secretNames.serviceAccountKey));
  const jwt = delegatedJwtClient(key, { subject: config.googleAdminSubject, scopes: WATCH_SCOPES });
  return {
    db: deps.db, tableName: config.tableName, watch: new GoogleWatchClient(jwt, config.googleApiRoot), address: config.push.receiverUrl, now,
    policy: channelPolicy(config.push.channelTtlHours * 3_600_000),
  };
}
