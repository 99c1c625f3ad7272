import { userGroupsAmong } from '../adapters/dynamodb/groups.js';
import { getUserById } from '../adapters/dynamodb/users.js';
import { decideAccess, WHOLE_TENANT } from '../domain/access/access-check.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import { isGroupId, isUserId, MAX_ACCESS_GROUPS, objectBody } from '../http/validate.js';
import { signedInAlongside, withInput, type AppRoute } from '../http/wrappers.js';

/**
 * "May this user see content shared with these groups?": transitive membership (nested groups and
 * CUSTOMER already expanded by sync), so two reads, in parallel with the session's: the user (an
 * inactive user is granted nothing) and one BatchGetItem of the membership items.
 */
export const accessRoutes: readonly AppRoute[] = [
  {
    method: 'POST',
    path: '/api/access/check',
    handler: signedInAlongside(withInput(accessInput, async (_request, { deps: { db, config }, input: { userId, asked } }) => {
      const [user, memberOf] = await Promise.all([
        getUserById(db, config.tableName, userId),
        userGroupsAmong(db, config.tableName, userId, asked.filter((g) => g !== WHOLE_TENANT)),
      ]);
      return json(200, decideAccess(userId, user, asked, memberOf));
    })),
  },
];

/** The body's user and distinct groups, or a 400 naming what is wrong. */
function accessInput(request: HttpRequest): { userId: string; asked: string[] } {
  const body = objectBody(request, ['userId', 'groupIds']);
  if (!isUserId(body.userId)) throw new HttpError(400, 'invalid_user_id', 'userId must be a directory user id (digits).');
  const { groupIds } = body;
  if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > MAX_ACCESS_GROUPS) {
    throw new HttpError(400, 'invalid_group_ids', `groupIds must be an array of 1 to ${MAX_ACCESS_GROUPS} group ids.`);
  }
  if (!groupIds.every((g) => g === WHOLE_TENANT || isGroupId(g))) {
    throw new HttpError(400, 'invalid_group_ids', `Every entry of groupIds must be a directory group id or ${WHOLE_TENANT}.`);
  }
  return { userId: body.userId, asked: [...new Set(groupIds as string[])] };
}
