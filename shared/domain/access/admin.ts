import { getGroupByEmail, isUserInGroup } from '../../adapters/dynamodb/groups.js';
import type { DirectoryUser } from '../directory/model.js';
import { HttpError, type HttpRequest } from '../../http/http.js';
import type { Dependencies } from '../../runtime/dependencies.js';
import { requireSession } from '../../http/guard.js';
import type { Session } from '../../adapters/dynamodb/sessions.js';

/**
 * Who is an intranet admin, the one rule for the admin routes and for what GET /api/me tells the
 * web client: a Workspace admin (from the session's directory record, no read), or a member,
 * directly or through nesting, of ADMIN_GROUP_EMAIL when configured. Only that second case reads:
 * three GetItems (the group's email item, the group, the membership), so a deployment without
 * ADMIN_GROUP_EMAIL, and every Workspace admin, stays at the session's one read per request.
 */
export async function isIntranetAdmin(user: Pick<DirectoryUser, 'id' | 'isAdmin'>, deps: Pick<Dependencies, 'db' | 'config'>): Promise<boolean> {
  if (user.isAdmin) return true;
  const { adminGroupEmail, tableName } = deps.config;
  if (!adminGroupEmail) return false;
  const group = await getGroupByEmail(deps.db, tableName, adminGroupEmail);
  return group !== undefined && !group.deletedAt && (await isUserInGroup(deps.db, tableName, user.id, group.id));
}

/** An admin's session or 403 (401 without a session). */
export async function requireAdmin(request: HttpRequest, deps: Dependencies): Promise<Session> {
  const session = await requireSession(request, deps);
  if (await isIntranetAdmin(session.user, deps)) return session;
  throw new HttpError(403, 'forbidden', 'Only intranet admins may do this.');
}
