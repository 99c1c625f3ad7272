/**
 * The token endpoint's OpenID side: client authentication (client_secret_basic or _post), the
 * authorization_code grant (single use, bound to client, redirect URI, PKCE; a replay revokes what
 * the code gave), the refresh_token grant, and ID tokens with Google's claims.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OAuthError, json, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import type { OidcAccount } from './accounts.js';
import { SCOPE_ALIASES, type AuthorizationEndpoint } from './authorize.js';
import type { OAuthClient, OAuthClients } from './clients.js';
import type { SigningKeys } from './keys.js';
import type { TokenRegistry } from './tokens.js';

const ID_TOKEN_LIFETIME_SECONDS = 3600;

export interface CodeGrantDeps {
  readonly issuer: string;
  readonly clients: OAuthClients;
  readonly authorization: AuthorizationEndpoint;
  readonly tokens: TokenRegistry;
  readonly keys: SigningKeys;
  readonly accounts: { bySub(sub: string): OidcAccount | undefined };
  readonly now: () => number;
}

export function authorizationCodeGrant(deps: CodeGrantDeps) {
  const issuedFromCode = new Map<string, string[]>();
  return async (form: URLSearchParams, request: EmulatorRequest): Promise<EmulatorResponse> => {
    const client = authenticateClient(deps.clients, form, request);
    const code = form.get('code');
    if (!code) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: code');
    const issued = deps.authorization.codes.get(code);
    if (!issued || issued.expiresAt < deps.now() || issued.request.clientId !== client.clientId)
      throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    if (issued.used) {
      for (const token of issuedFromCode.get(code) ?? []) deps.tokens.revoke(token);
      throw new OAuthError(400, 'invalid_grant', 'Bad Request');
    }
    issued.used = true;
    if (form.get('redirect_uri') !== issued.request.redirectUri) throw new OAuthError(400, 'redirect_uri_mismatch', 'Bad Request');
    const { codeChallenge, codeChallengeMethod } = issued.request;
    const verifier = form.get('code_verifier');
    if (codeChallenge) {
      if (!verifier) throw new OAuthError(400, 'invalid_grant', 'Missing code verifier.');
      const computed = codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
      if (!equal(computed, codeChallenge)) throw new OAuthError(400, 'invalid_grant', 'Invalid code verifier.');
    }
    const answer = await issueTokens(deps, client, issued.account, issued.request.scopes, issued.request.nonce, issued.request.offline);
    issuedFromCode.set(code, [answer.access_token, ...(answer.refresh_token ? [answer.refresh_token] : [])]);
    return json(200, answer);
  };
}

export function refreshTokenGrant(deps: CodeGrantDeps) {
  return async (form: URLSearchParams, request: EmulatorRequest): Promise<EmulatorResponse> => {
    const client = authenticateClient(deps.clients, form, request);
    const token = form.get('refresh_token');
    if (!token) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: refresh_token');
    const grant = deps.tokens.refreshGrant(token);
    const account = grant?.userId ? deps.accounts.bySub(grant.userId) : undefined;
    if (!grant || grant.clientId !== client.clientId || !account)
      throw new OAuthError(400, 'invalid_grant', 'Token has been expired or revoked.');
    return json(200, await issueTokens(deps, client, account, grant.scopes, undefined, false));
  };
}

interface TokenAnswer {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: 'Bearer';
  id_token?: string;
}

async function issueTokens(
  deps: CodeGrantDeps,
  client: OAuthClient,
  account: OidcAccount,
  scopes: readonly string[],
  nonce: string | undefined,
  offline: boolean,
): Promise<TokenAnswer> {
  const grant = { clientId: client.clientId, scopes, email: account.email, userId: account.sub };
  const { token: accessToken } = deps.tokens.issueAccess(grant);
  const answer: TokenAnswer = { access_token: accessToken, expires_in: 3599, scope: scopes.join(' '), token_type: 'Bearer' };
  if (offline) answer.refresh_token = deps.tokens.issueRefresh(grant);
  if (scopes.includes('openid')) {
    answer.id_token = deps.tokens.record(await deps.keys.sign(idTokenClaims(deps, client.clientId, account, scopes, nonce, accessToken)));
  }
  return answer;
}

/** Google's ID token claims, in Google's order; email and profile claims only with those scopes. */
export function idTokenClaims(
  deps: Pick<CodeGrantDeps, 'issuer' | 'now'>,
  clientId: string,
  account: OidcAccount,
  scopes: readonly string[],
  nonce: string | undefined,
  accessToken: string,
) {
  const iat = Math.floor(deps.now() / 1000);
  const email = scopes.includes(SCOPE_ALIASES.email!);
  const profile = scopes.includes(SCOPE_ALIASES.profile!);
  return {
    iss: deps.issuer,
    azp: clientId,
    aud: clientId,
    sub: account.sub,
    ...(account.hd ? { hd: account.hd } : {}),
    ...(email ? { email: account.email, email_verified: account.emailVerified } : {}),
    at_hash: createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url'),
    ...(nonce !== undefined ? { nonce } : {}),
    ...(profile ? { name: account.name, picture: account.picture, given_name: account.givenName, family_name: account.familyName } : {}),
    iat,
    exp: iat + ID_TOKEN_LIFETIME_SECONDS,
  };
}

/** client_secret_basic (RFC 6749 §2.3.1: form-url-encoded id and secret) or client_secret_post; not both. */
export function authenticateClient(clients: OAuthClients, form: URLSearchParams, request: EmulatorRequest): OAuthClient {
  const basic = /^Basic\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  if (basic) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || secret !== undefined) throw new OAuthError(400, 'invalid_request', 'Client authentication must use one method.');
    try {
      const basicId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      if (clientId !== undefined && clientId !== basicId)
        throw new OAuthError(400, 'invalid_request', 'Client authentication must use one method.');
      clientId = basicId;
      secret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError(401, 'invalid_client', 'Unauthorized');
    }
  }
  if (!clientId) throw new OAuthError(400, 'invalid_request', 'Could not determine client ID from request.');
  const client = clients.get(clientId);
  if (!client) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
  if (secret === undefined || !equal(secret, client.clientSecret)) throw new OAuthError(401, 'invalid_client', 'Unauthorized');
  return client;
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
