/**
 * The JWT bearer grant (RFC 7523) as Google's token endpoint runs it for service accounts with
 * domain-wide delegation: signature by the account's key, audience, a short-lived iat/exp window,
 * a live subject (an admin for Directory scopes), and every scope in the delegation grant.
 */
import { compactVerify, decodeJwt } from 'jose';
import { OAuthError, json, type EmulatorResponse } from '../http.js';
import type { DirectoryStore } from '../directory/store.js';
import { isDirectoryScope } from '../directory/scopes.js';
import type { DelegationGrants, ServiceAccount } from './service-account.js';
import type { TokenRegistry } from './tokens.js';

/** google-auth-library signs for Google's token URL; the key file's token_uri is the emulator's own. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 300;

export interface JwtBearerContext {
  readonly serviceAccount: ServiceAccount;
  readonly delegation: DelegationGrants;
  readonly store: DirectoryStore;
  readonly tokens: TokenRegistry;
  readonly tokenEndpoint: string;
  readonly now: () => number;
}

export async function jwtBearerGrant(context: JwtBearerContext, form: URLSearchParams): Promise<EmulatorResponse> {
  const assertion = form.get('assertion');
  if (!assertion) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: assertion');
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  }
  const key = context.serviceAccount.key;
  if (claims.iss !== key.client_email) throw new OAuthError(400, 'invalid_grant', 'Invalid grant: account not found');
  try {
    await compactVerify(assertion, context.serviceAccount.publicKey, { algorithms: ['RS256'] });
  } catch {
    throw new OAuthError(400, 'invalid_grant', 'Invalid JWT Signature.');
  }
  if (claims.aud !== context.tokenEndpoint && claims.aud !== GOOGLE_TOKEN_URL) {
    throw new OAuthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The expected value was ${GOOGLE_TOKEN_URL}.`);
  }
  const now = Math.floor(context.now() / 1000);
  const { iat, exp } = claims;
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= iat ||
    exp - iat > MAX_LIFETIME_SECONDS ||
    exp < now - CLOCK_SKEW_SECONDS ||
    iat > now + CLOCK_SKEW_SECONDS
  ) {
    throw new OAuthError(
      400,
      'invalid_grant',
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    );
  }
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(/\s+/).filter(Boolean) : [];
  if (scopes.length === 0) throw new OAuthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
  const subject = claims.sub;
  if (subject === undefined || subject === key.client_email) {
    const { token } = context.tokens.issueAccess({ clientId: key.client_id, scopes, serviceAccount: key.client_email });
    return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
  }
  const user = typeof subject === 'string' ? context.store.user(subject) : undefined;
  if (!user || user.deletionTime || user.suspended || (scopes.some(isDirectoryScope) && !user.isAdmin)) {
    throw new OAuthError(400, 'invalid_grant', 'Invalid email or User ID');
  }
  if (!context.delegation.allows(key.client_id, scopes)) {
    throw new OAuthError(
      401,
      'unauthorized_client',
      'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
    );
  }
  const { token } = context.tokens.issueAccess({
    clientId: key.client_id,
    scopes,
    serviceAccount: key.client_email,
    email: user.primaryEmail,
    userId: user.id,
  });
  return json(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
}
