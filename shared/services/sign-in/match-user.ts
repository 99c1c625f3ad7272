import type { Config } from '../../config/config.js';
import { accountBlock, type DirectoryUser } from '../../domain/directory/model.js';
import { claimUserFetch, releaseUserFetch, SETUP_WAIT_MS } from '../../adapters/dynamodb/user-fetch-requests.js';
import { getUserById } from '../../adapters/dynamodb/users.js';
import { requestUserFetch } from '../sync-starter.js';
import { logger } from '../../logging/logger.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { LoginRejected } from '../../domain/auth/errors.js';
import type { VerifiedIdentity } from '../../domain/auth/id-token-checks.js';

/** Who signed in: their directory record, or "being set up" while the sync side fetches them from Google. */
export type MatchResult = { readonly user: DirectoryUser } | { readonly settingUp: true };

/**
 * The directory record of the person who signed in, by `sub` (the Directory user id) only: never
 * by the token's email or an alias, which a recycled address or a newly added alias would hand
 * to someone else. Refused when suspended, archived or deleted.
 *
 * A `sub` the directory does not hold (a person created after the last sync) is fetched from
 * Google by id on the sync side, once per request window and within the tenant's budget: the
 * first attempt answers "being set up", later ones find the stored record, or the recorded "not
 * found" (refused), or, past SETUP_WAIT_MS without an answer, give up (refused).
 */
export async function matchUser(
  deps: Pick<Dependencies, 'db' | 'config' | 'fetchUserInProcess'> & { config: Pick<Config, 'tableName'> },
  identity: VerifiedIdentity,
  now = Date.now(),
): Promise<MatchResult> {
  const { db, config } = deps;
  const user = await getUserById(db, config.tableName, identity.sub);
  if (user) {
    const block = accountBlock(user);
    if (block) throw new LoginRejected(`account_${block}`);
    return { user };
  }
  const state = await claimUserFetch(db, config.tableName, identity.sub, now);
  switch (state.kind) {
    case 'requested':
      try {
        await requestUserFetch(deps as Dependencies, identity.sub);
      } catch (error) {
        // Nothing will answer this claim: give it back, so "try again" (the 500 page) really tries again.
        await releaseUserFetch(db, config.tableName, identity.sub, now);
        throw error;
      }
      logger.info('sign-in: unknown user, fetch from Google requested', { userId: identity.sub });
      return { settingUp: true };
    case 'pending':
      if (now - state.requestedAt < SETUP_WAIT_MS) return { settingUp: true };
      throw new LoginRejected('user_unknown');
    case 'over_budget':
      throw new LoginRejected('account_setup_busy');
    case 'done':
      // 'stored' without a record: stored and then deleted, or the record moved; unknown either way.
      throw new LoginRejected('user_unknown');
  }
}
