import { HttpError, type HttpRequest } from './http.js';
import { dependencies, type Dependencies } from '../runtime/dependencies.js';
import { SESSION_COOKIE } from './cookies.js';
import { readSession, sessionPolicy, type Session } from '../adapters/dynamodb/sessions.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request protection for state-changing requests, on top of SameSite=Lax: the browser's
 * Origin must be ours, or, where a browser sends no Origin, Fetch Metadata must say same-origin.
 * A request with neither is refused: every browser that can hold our cookie sends one of them.
 */
export function assertSameOrigin(request: HttpRequest, appOrigin: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  const site = request.headers['sec-fetch-site'];
  const sameOrigin = origin !== undefined ? origin === appOrigin : site === 'same-origin';
  if (!sameOrigin) throw new HttpError(403, 'cross_site_request', 'This request must come from the intranet itself.');
}

/**
 * The API's session guard: the signed-in user's live session (with their directory record) or a
 * 401 JSON answer; 403 for a cross-site state-changing request. One DynamoDB read.
 */
export async function requireSession(request: HttpRequest, deps: Dependencies = dependencies()): Promise<Session> {
  assertSameOrigin(request, deps.config.appOrigin);
  const session = await readSession(deps.db, deps.config.tableName, request.cookies.get(SESSION_COOKIE), sessionPolicy(deps.config));
  if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in to use this API.');
  return session;
}
