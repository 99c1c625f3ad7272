/**
 * Bearer-token checks for the emulated Google APIs, with Google's 401/403 answers: missing
 * credential, invalid or expired token, and a token without any of the method's scopes.
 */
import { GoogleApiError, type EmulatorRequest } from '../http.js';
import type { Grant, TokenRegistry } from './tokens.js';

const CONSOLE_HINT = 'See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/** Returns the grant of the request's bearer token if it carries at least one of `acceptedScopes`. */
export function authorize(request: EmulatorRequest, tokens: TokenRegistry, acceptedScopes: readonly string[]): Grant {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? request.query.get('access_token') ?? undefined;
  if (!token) {
    throw new GoogleApiError(
      401,
      'required',
      `Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid ` +
        `authentication credential. ${CONSOLE_HINT}`,
    );
  }
  const grant = tokens.accessGrant(token);
  if (!grant) {
    throw new GoogleApiError(
      401,
      'authError',
      `Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. ${CONSOLE_HINT}`,
      {
        'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
      },
    );
  }
  if (!grant.scopes.some((scope) => acceptedScopes.includes(scope))) {
    throw new GoogleApiError(
      403,
      'insufficientPermissions',
      'Request had insufficient authentication scopes.',
      {
        'www-authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${acceptedScopes.join(' ')}"`,
      },
      'global',
      [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
          domain: 'googleapis.com',
          metadata: { service: serviceOf(request.path) },
        },
      ],
    );
  }
  return grant;
}

/** The API service a path belongs to, as Google names it in ErrorInfo metadata. */
function serviceOf(path: string): string {
  const api = path.split('/')[1] ?? '';
  if (api === 'admin') return 'admin.googleapis.com';
  if (api === 'calendar') return 'calendar-json.googleapis.com';
  return `${api}.googleapis.com`;
}
