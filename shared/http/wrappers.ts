import { readSession, sessionPolicy, type Session } from '../adapters/dynamodb/sessions.js';
import type { Dependencies } from '../runtime/dependencies.js';
import { isIntranetAdminInTable } from '../services/intranet-admin.js';
import { SESSION_COOKIE } from './cookies.js';
import { HttpError, type HttpRequest, type HttpResponse } from './http.js';
import type { Route } from './router.js';

/**
 * The middleware every route of /api and /auth is built from, so a route body reads: take the
 * parsed input, call the domain, answer. Each wrapper owns one concern that routes used to repeat:
 * the same-origin check, the session (with its idle and absolute expiry and revocation, all in
 * readSession), the admin rule, and input parsing (a 4xx JSON error from the parser).
 */

/** What an entry point gives every route: the process's dependencies, built once at init. */
export interface RouteContext {
  readonly deps: Dependencies;
}

/** A handler whose context carries `X` besides the dependencies (a session, parsed input). */
export type Handler<X = object> = (request: HttpRequest, context: RouteContext & X) => Promise<HttpResponse>;

export type AppRoute = Route<RouteContext>;

export interface SignedIn {
  readonly session: Session;
}

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

/** 403 for a cross-site state-changing request, before the handler runs. */
export function sameOrigin<X>(handler: Handler<X>): Handler<X> {
  return async (request, context) => {
    assertSameOrigin(request, context.deps.config.appOrigin);
    return handler(request, context);
  };
}

/** The signed-in user's live session (with their directory record), or a 401: one DynamoDB read. */
export async function signedInSession(request: HttpRequest, deps: Pick<Dependencies, 'db' | 'config'>): Promise<Session> {
  const session = await readSession(deps.db, deps.config.tableName, request.cookies.get(SESSION_COOKIE), sessionPolicy(deps.config));
  if (!session) throw new HttpError(401, 'unauthenticated', 'Sign in to use this API.');
  return session;
}

/** Same origin, then a live session (401 without one); the handler gets the session. */
export function signedIn<X>(handler: Handler<X & SignedIn>): Handler<X> {
  return sameOrigin(async (request, context) => handler(request, { ...context, session: await signedInSession(request, context.deps) }));
}

/** An intranet admin's session, or 403 (401 without a session). */
export function adminOnly<X>(handler: Handler<X & SignedIn>): Handler<X> {
  return signedIn<X>(async (request, context) => {
    if (!(await isIntranetAdminInTable(context.session.user, context.deps)))
      throw new HttpError(403, 'forbidden', 'Only intranet admins may do this.');
    return handler(request, context);
  });
}

/** Parses the request (path, query, body) before the handler runs; the parser throws HttpError (4xx JSON) for bad input. */
export function withInput<I, X = object>(parse: (request: HttpRequest) => I, handler: Handler<X & { readonly input: I }>): Handler<X> {
  return async (request, context) => handler(request, { ...context, input: parse(request) });
}
