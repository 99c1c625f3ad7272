import type { Config } from '../../config/config.js';
import { accountBlock, type DirectoryUser } from '../../domain/directory/model.js';
import { getUserByEmail, getUserById, putUser } from '../../adapters/dynamodb/users.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { LoginRejected } from '../../domain/auth/errors.js';
import type { VerifiedIdentity } from '../../domain/auth/id-token-checks.js';

export type MatchedBy = 'sub' | 'email' | 'provisional';

/**
 * The directory record of the person who signed in: by `sub` (the Directory user id), then by
 * primary email or alias; refused when suspended, archived, deleted or unknown. With the operator
 * switch ALLOW_UNSYNCED_SIGN_IN, an unknown user gets a provisional record from the ID token's
 * claims, which the next directory sync replaces.
 */
export async function matchUser(deps: Pick<Dependencies, 'db'> & { config: Pick<Config, 'tableName' | 'allowUnsyncedSignIn'> }, identity: VerifiedIdentity): Promise<{ user: DirectoryUser; matchedBy: MatchedBy }> {
  const { db, config } = deps;
  let matchedBy: MatchedBy = 'sub';
  let user = await getUserById(db, config.tableName, identity.sub);
  if (!user) {
    matchedBy = 'email';
    user = await getUserByEmail(db, config.tableName, identity.email);
  }
  if (!user) {
    if (!config.allowUnsyncedSignIn) throw new LoginRejected('user_unknown');
    matchedBy = 'provisional';
    user = provisionalUser(identity);
    await putUser(db, config.tableName, user);
  }
  const block = accountBlock(user);
  if (block) throw new LoginRejected(`account_${block}`);
  return { user, matchedBy };
}

function provisionalUser(identity: VerifiedIdentity): DirectoryUser {
  return {
    id: identity.sub,
    primaryEmail: identity.email,
    aliases: [],
    name: { fullName: identity.name ?? identity.email, givenName: identity.givenName ?? '', familyName: identity.familyName ?? '' },
    ...(identity.picture ? { photoUrl: identity.picture } : {}),
    locations: [],
    phones: [],
    keywords: [],
    customSchemas: {},
    suspended: false,
    archived: false,
    isAdmin: false,
    // Hidden from people search until sync confirms the account and its directory visibility.
    visibleInDirectory: false,
    provisional: true,
  };
}
