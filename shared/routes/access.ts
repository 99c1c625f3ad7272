import { requireSession } from '../http/guard.js';
import { userGroupsAmong } from '../adapters/dynamodb/groups.js';
import { accountBlock } from '../domain/directory/model.js';
import { getUserById } from '../adapters/dynamodb/users.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { isGroupId, isUserId, MAX_ACCESS_GROUPS, objectBody } from '../http/validate.js';

/** Content shared with the whole organisation (Google's CUSTOMER member): every active user of the tenant. */
export const WHOLE_TENANT = 'CUSTOMER';

export interface AccessCheckResult {
  readonly userId: string;
  /** The asked groups that grant access, in the order asked. */
  readonly granted: string[];
  readonly results: { readonly groupId: string; readonly granted: boolean }[];
}

/**
 * "May this user see content shared with these groups?": transitive membership (nested groups and
 * CUSTOMER already expanded by sync), so two reads, in parallel with the session's: the user (an
 * inactive user is granted nothing) and one BatchGetItem of the membership items.
 */
export const accessRoutes: readonly Route[] = [
  {
    method: 'POST',
    path: '/api/access/check',
    handler: async (request) => {
      const deps = dependencies();
      // The session read starts first and runs beside the check's reads (one round trip, not two);
      // nothing is answered before it passes, a 400 for the body included: a caller without a
      // session learns 401, not what the route expects.
      const session = requireSession(request, deps);
      let input: { userId: string; asked: string[] };
      try {
        input = accessInput(request);
      } catch (error) {
        await session;
        throw error;
      }
      const { userId, asked } = input;
      const { db, config } = deps;
      const [, user, memberOf] = await Promise.all([
        session,
        getUserById(db, config.tableName, userId),
        userGroupsAmong(db, config.tableName, userId, asked.filter((g) => g !== WHOLE_TENANT)),
      ]);
      const active = user !== undefined && accountBlock(user) === undefined && user.provisional !== true;
      const results = asked.map((groupId) => ({ groupId, granted: active && (groupId === WHOLE_TENANT || memberOf.has(groupId)) }));
      const answer: AccessCheckResult = { userId, granted: results.filter((r) => r.granted).map((r) => r.groupId), results };
      return json(200, answer);
    },
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
