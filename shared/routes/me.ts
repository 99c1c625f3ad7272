import type { Config } from '../config/config.js';
import type { MeResponse, SessionInfo } from '../contract/api.js';
import { HttpError, json, NO_STORE } from '../http/http.js';
import { isIntranetAdminInTable } from '../services/intranet-admin.js';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.js';
import { sessionIdParam } from '../http/validate.js';
import { signedIn, withInput, type AppRoute, type SignedIn } from '../http/wrappers.js';
import { endUserSession, listUserSessions, sessionPolicy, type Session } from '../adapters/dynamodb/sessions.js';

/** `isAdmin` is the admin routes' own rule (isIntranetAdmin), not only the directory record's Workspace admin flag. */
export function meResponse(session: Session, config: Pick<Config, 'enabledIntegrations'>, isAdmin: boolean): MeResponse {
  // The person's own full record (what admin_view read), without the part kept to answer colleagues.
  const { etag: _etag, isAdmin: _workspaceAdmin, shared: _shared, ...user } = session.user;
  return { user, isAdmin, integrations: config.enabledIntegrations, session: { id: session.id, expiresAt: session.expiresAt } };
}

/** The signed-in user's own account: GET /api/me, their sessions, and ending one (ASVS 7.5.2). */
export const accountRoutes: readonly AppRoute[] = [
  {
    method: 'GET',
    path: '/api/me',
    handler: signedIn(async (_request, { deps, session }) =>
      json(200, meResponse(session, deps.config, await isIntranetAdminInTable(session.user, deps))),
    ),
  },
  {
    method: 'GET',
    path: '/api/me/sessions',
    handler: signedIn(async (_request, { deps: { db, config }, session: current }) => {
      const sessions = await listUserSessions(db, config.tableName, current.user.id, sessionPolicy(config));
      return json(200, {
        sessions: sessions.map(({ id, device, createdAt, lastSeenAt, expiresAt }): SessionInfo => ({
          id,
          device,
          createdAt,
          lastSeenAt,
          expiresAt,
          current: id === current.id,
        })),
      });
    }),
  },
  {
    method: 'DELETE',
    path: '/api/me/sessions/{id}',
    handler: signedIn(
      withInput<string, SignedIn>(sessionIdParam, async (_request, { deps: { db, config }, session: current, input: id }) => {
        if (!(await endUserSession(db, config.tableName, current.user.id, id))) {
          throw new HttpError(404, 'session_not_found', 'You have no such session; it may have ended already.');
        }
        return { status: 204, headers: NO_STORE, cookies: id === current.id ? [clearCookie(SESSION_COOKIE)] : [] };
      }),
    ),
  },
];
