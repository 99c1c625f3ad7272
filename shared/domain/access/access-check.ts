import type { AccessCheck } from '../../contract/api.js';
import { accountBlock, type DirectoryUser } from '../directory/model.js';

/** Content shared with the whole organisation (Google's CUSTOMER member): every active user of the tenant. */
export const WHOLE_TENANT = 'CUSTOMER';

/**
 * "May this user see content shared with these groups?": an inactive user is granted
 * nothing; anyone else every asked group they are in (transitively, as sync stored it) and the whole tenant.
 */
export function decideAccess(
  userId: string,
  user: DirectoryUser | undefined,
  asked: readonly string[],
  memberOf: ReadonlySet<string>,
): AccessCheck {
  const active = user !== undefined && accountBlock(user) === undefined;
  const results = asked.map((groupId) => ({ groupId, granted: active && (groupId === WHOLE_TENANT || memberOf.has(groupId)) }));
  return { userId, granted: results.filter((r) => r.granted).map((r) => r.groupId), results };
}
