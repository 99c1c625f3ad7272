import type { HttpRequest, HttpResponse } from '../http/http.js';
import { logger } from '../logging/logger.js';
import { clearCookie, SESSION_COOKIE } from '../http/cookies.js';
import { sameOrigin, signedIn, type AppRoute } from '../http/wrappers.js';
import { endSession, endUserSessions, hashSessionIdentifier } from '../adapters/dynamodb/sessions.js';

/**
 * POST /auth/logout ends this browser's session at once (ASVS 7.4.1); POST /auth/logout-everywhere
 * ends every session of the signed-in user. Both refuse cross-site requests and clear the cookie.
 * A form navigation is sent home (303); a fetch gets 204.
 */
export const sessionRoutes: readonly AppRoute[] = [
  {
    method: 'POST',
    path: '/auth/logout',
    handler: sameOrigin(async (request, { deps: { db, config } }) => {
      const identifier = request.cookies.get(SESSION_COOKIE);
      if (identifier) await endSession(db, config.tableName, hashSessionIdentifier(identifier));
      return signedOut(request);
    }),
  },
  {
    method: 'POST',
    path: '/auth/logout-everywhere',
    handler: signedIn(async (request, { deps, session }) => {
      const ended = await endUserSessions(deps.db, deps.config.tableName, session.user.id);
      logger.info('signed out everywhere', { userId: session.user.id, ended });
      return signedOut(request);
    }),
  },
];

function signedOut(request: HttpRequest): HttpResponse {
  const cookies = [clearCookie(SESSION_COOKIE)];
  if (request.headers['sec-fetch-mode'] === 'navigate')
    return { status: 303, headers: { location: '/', 'cache-control': 'no-store' }, cookies };
  return { status: 204, headers: { 'cache-control': 'no-store' }, cookies };
}
