import { isGoogleUserId, recordUserFetchOutcome } from '../../adapters/dynamodb/user-fetch-requests.js';
import { applyChangedUser } from '../../adapters/dynamodb/sync-apply.js';
import type { SyncDependencies } from './dependencies.js';
import { createSyncEnvironment, type SyncWiring } from './setup.js';

export type OneUserResult = 'created' | 'updated' | 'unchanged' | 'not_found';

/**
 * Reads one person from Google by id (users.get, delegated, read-only) and stores them through the
 * same one-user step a push notification will use, then records the outcome for sign-in. Asked for
 * by sign-in when a `sub` is not in the directory yet; a suspended or archived person is stored as
 * such (so sign-in refuses them by their record), one Google does not know is recorded as not found.
 */
export async function fetchOneUser(deps: SyncDependencies, wiring: SyncWiring, userId: string): Promise<OneUserResult> {
  if (!isGoogleUserId(userId)) throw new Error('fetchUser needs a Google user id.');
  const env = await createSyncEnvironment(deps, wiring);
  const user = await env.source.getUser(userId);
  // Google answers users.get by id with the same id; anything else is not the person who signed in.
  if (!user || user.id !== userId) {
    await recordUserFetchOutcome(env.db, env.tableName, userId, 'not_found');
    return 'not_found';
  }
  const result = await applyChangedUser({
    db: env.db, tableName: env.tableName, sessions: env.sessions, stats: { itemWrites: 0 }, now: () => new Date(env.clock.now()).toISOString(),
  }, user);
  await recordUserFetchOutcome(env.db, env.tableName, userId, 'stored');
  return result;
}
