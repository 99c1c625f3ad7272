import type { Config } from '../config/config.js';
import type { DirectoryUser } from '../domain/directory/model.js';
import { HttpError, json, NO_STORE } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { isIntranetAdmin } from '../domain/access/admin.js';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.js';
import { requireSession } from '../http/guard.js';
import { endUserSession, listUserSessions, sessionPolicy, type Session } from '../adapters/dynamodb/sessions.js';

/** What the web client needs at start: who is signed in, whether they are an admin, which integrations are on. */
export interface MeResponse {
  readonly user: Omit<DirectoryUser, 'etag' | 'isAdmin'>;
  readonly isAdmin: boolean;
  readonly integrations: Config['enabledIntegrations'];
  readonly session: { readonly id: string; readonly expiresAt: string };
}

/** `isAdmin` is the admin routes' own rule (isIntranetAdmin), not only the directory record's Workspace admin flag. */
export function meResponse(session: Session, config: Pick<Config, 'enabledIntegrations'>, isAdmin: boolean): MeResponse {
  const { etag: _etag, isAdmin: _workspaceAdmin, ...user } = session.user;
  return { user, isAdmin, integrations: config.enabledIntegrations, session: { id: session.id, expiresAt: session.expiresAt } };
}

/** The signed-in user's own account: GET /api/me, their sessions, and ending one (ASVS 7.5.2). */
export const accountRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/me',
    handler: async (request) => {
      const deps = dependencies();
      const session = await requireSession(request, deps);
      return json(200, meResponse(session, deps.config, await isIntranetAdmin(session.user, deps)));
    },
  },
  {
    method: 'GET',
    path: '/api/me/sessions',
    handler: async (request) => {
      const { db, config } = dependencies();
      const current = await requireSession(request);
      const sessions = await listUserSessions(db, config.tableName, current.user.id, sessionPolicy(config));
      return json(200, {
        sessions: sessions.map(({ id, device, createdAt, lastSeenAt, expiresAt }) => ({ id, device, createdAt, lastSeenAt, expiresAt, current: id === current.id })),
      });
    },
  },
  {
    method: 'DELETE',
    path: '/api/me/sessions/{id}',
    handler: async (request) => {
      const { db, config } = dependencies();
      const current = await requireSession(request);
      const id = request.params.id ?? '';
      if (!(await endUserSession(db, config.tableName, current.user.id, id))) {
        throw new HttpError(404, 'session_not_found', 'You have no such session; it may have ended already.');
      }
      return { status: 204, headers: NO_STORE, cookies: id === current.id ? [clearCookie(SESSION_COOKIE)] : [] };
    },
  },
];
