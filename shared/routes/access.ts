import { userGroupsAmong } from '../adapters/dynamodb/groups.js';
import { getUserById } from '../adapters/dynamodb/users.js';
import { decideAccess, WHOLE_TENANT } from '../domain/access/access-check.js';
import { isListed } from '../domain/people/directory-index.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import { idField, isGroupId, MAX_ACCESS_GROUPS, objectBody } from '../http/validate.js';
import { signedIn, withInput, type AppRoute, type SignedIn } from '../http/wrappers.js';
import { isIntranetAdminInTable } from '../services/intranet-admin.js';

interface AccessInput {
  readonly userId: string;
  readonly asked: string[];
}

/**
 * "May this user see content shared with these groups?": transitive membership (nested groups and
 * CUSTOMER already expanded by sync), so two parallel reads: the user (an inactive user is granted
 * nothing) and one BatchGetItem of the membership items.
 *
 * Not a directory oracle (issue 14): an employee may ask only about themselves, and any other id is
 * refused with one 403 decided from the caller's own id alone, before the target is read, so status,
 * body and timing say nothing about who holds it. (Answering "unknown" instead would leak the same
 * nothing but hide a caller's mistake behind a plausible answer.) Admins may ask about anyone, but a
 * person the directory does not list (hidden from the global address list, suspended, archived)
 * answers as an id nobody holds: the same reads run and the same body comes back.
 */
export const accessRoutes: readonly AppRoute[] = [
  {
    method: 'POST',
    path: '/api/access/check',
    handler: signedIn(
      withInput<AccessInput, SignedIn>(accessInput, async (_request, { deps, session, input: { userId, asked } }) => {
        const self = userId === session.user.id;
        if (!self && !(await isIntranetAdminInTable(session.user, deps))) {
          throw new HttpError(403, 'forbidden', 'You may check only your own access.');
        }
        const { db, config } = deps;
        const [user, memberOf] = await Promise.all([
          getUserById(db, config.tableName, userId),
          userGroupsAmong(
            db,
            config.tableName,
            userId,
            asked.filter((g) => g !== WHOLE_TENANT),
          ),
        ]);
        // Nobody is hidden from themselves; to anyone else an unlisted person is an unknown id.
        const visible = user && (self || isListed(user)) ? user : undefined;
        return json(200, decideAccess(userId, visible, asked, visible ? memberOf : new Set()));
      }),
    ),
  },
];

/** The body's user and distinct groups, or a 400 naming what is wrong. */
function accessInput(request: HttpRequest): AccessInput {
  const body = objectBody(request, ['userId', 'groupIds']);
  const userId = idField('user', 'userId', body.userId);
  const { groupIds } = body;
  if (!Array.isArray(groupIds) || groupIds.length === 0 || groupIds.length > MAX_ACCESS_GROUPS) {
    throw new HttpError(400, 'invalid_group_ids', `groupIds must be an array of 1 to ${MAX_ACCESS_GROUPS} group ids.`);
  }
  if (!groupIds.every((g) => g === WHOLE_TENANT || isGroupId(g))) {
    throw new HttpError(400, 'invalid_group_ids', `Every entry of groupIds must be a directory group id or ${WHOLE_TENANT}.`);
  }
  return { userId, asked: [...new Set(groupIds as string[])] };
}
