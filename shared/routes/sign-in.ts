import type { AppRoute } from '../http/wrappers.js';
import { completeLogin } from '../services/sign-in/callback.js';
import { startLogin } from '../services/sign-in/login.js';

/*
 * Sign-in and sign-out are separate modules because they deploy as separate functions with different
 * table permissions: a bundle keeps every route its module builds, so each function imports only its own.
 */

/** GET /auth/login: starts Sign in with Google. */
export const loginRoute: AppRoute = { method: 'GET', path: '/auth/login', handler: (request, { deps }) => startLogin(request, deps) };

/** GET /auth/callback: Google sends the browser back here; on success it leaves with a session. */
export const callbackRoute: AppRoute = {
  method: 'GET',
  path: '/auth/callback',
  handler: (request, { deps }) => completeLogin(request, deps),
};
