import { requireSession } from '../auth/guard.js';
import type { Session } from '../auth/sessions.js';
import { getGroupByEmail, isUserInGroup } from '../directory/groups.js';
import { HttpError, type HttpRequest } from '../http/http.js';
import type { Dependencies } from '../runtime/dependencies.js';

/**
 * An admin's session or 403: a Workspace admin (from the session's directory record, no read), or
 * a member, directly or through nesting, of ADMIN_GROUP_EMAIL when configured (two reads).
 */
export async function requireAdmin(request: HttpRequest, deps: Dependencies): Promise<Session> {
  const session = await requireSession(request, deps);
  if (session.user.isAdmin) return session;
  const { adminGroupEmail, tableName } = deps.config;
  if (adminGroupEmail) {
    const group = await getGroupByEmail(deps.db, tableName, adminGroupEmail);
    if (group && !group.deletedAt && (await isUserInGroup(deps.db, tableName, session.user.id, group.id))) return session;
  }
  throw new HttpError(403, 'forbidden', 'Only intranet admins may do this.');
}
