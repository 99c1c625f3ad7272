import { recordUserFetchOutcome } from '../../adapters/dynamodb/user-fetch-requests.js';
import { isGoogleUserId } from '../../domain/directory/google-ids.js';
import type { SyncDependencies } from './dependencies.js';
import { createSyncEnvironment, type SyncWiring } from './setup.js';
import { noIndexChanges, publishIndexChanges } from './index-deltas.js';
import { syncOneUser } from './targeted.js';

export type OneUserResult = 'created' | 'updated' | 'unchanged' | 'not_found';

/**
 * Reads one person from Google by id (users.get, delegated, read-only) and stores them through the
 * same one-user sync a push notification runs, then records the outcome for sign-in. Asked for
 * by sign-in when a `sub` is not in the directory yet; a suspended or archived person is stored as
 * such (so sign-in refuses them by their record), one Google does not know is recorded as not found.
 */
export async function fetchOneUser(deps: SyncDependencies, wiring: SyncWiring, userId: string): Promise<OneUserResult> {
  if (!isGoogleUserId(userId)) throw new Error('fetchUser needs a Google user id.');
  const stats = { itemWrites: 0, index: noIndexChanges() };
  const outcome = await syncOneUser(await createSyncEnvironment(deps, wiring), userId, stats);
  // Colleagues find the person at once, not at the next full run.
  await publishIndexChanges(deps.db, deps.config.tableName, stats.index);
  const result = outcome === 'deleted' || outcome === 'absent' ? 'not_found' : outcome;
  await recordUserFetchOutcome(deps.db, deps.config.tableName, userId, result === 'not_found' ? 'not_found' : 'stored');
  return result;
}
