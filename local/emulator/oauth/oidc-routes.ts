/**
 * The OpenID provider's route table, at Google's paths on one origin: discovery, JWKS,
 * authorization endpoint and chooser, userinfo, revoke. (The token endpoint is in token-endpoint.ts.)
 */
import { GoogleApiError, OAuthError, formBody, json, type EmulatorRequest, type EmulatorRoute } from '../http.js';
import type { OidcAccounts } from './accounts.js';
import { OPENID_SCOPES, SCOPE_ALIASES, type AuthorizationEndpoint } from './authorize.js';
import type { SigningKeys } from './keys.js';
import type { Grant, TokenRegistry } from './tokens.js';

export interface OidcRouteDeps {
  readonly issuer: string;
  readonly authorization: AuthorizationEndpoint;
  readonly keys: SigningKeys;
  readonly tokens: TokenRegistry;
  readonly accounts: OidcAccounts;
  authorize(request: EmulatorRequest, acceptedScopes: readonly string[]): Grant;
}

/**
 * The discovery document with every member Google's lists (accounts.google.com), in its order, at
 * the emulator's own endpoints. Google's lists no response_modes_supported (query and fragment are
 * then the defaults, RFC 8414). The device endpoint answers as Google does for a web client.
 */
export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/o/oauth2/v2/auth`,
    device_authorization_endpoint: `${issuer}/device/code`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/v1/userinfo`,
    revocation_endpoint: `${issuer}/revoke`,
    jwks_uri: `${issuer}/oauth2/v3/certs`,
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'email', 'profile'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    claims_supported: [
      'aud',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'iss',
      'locale',
      'name',
      'picture',
      'sub',
    ],
    code_challenge_methods_supported: ['plain', 'S256'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      'urn:ietf:params:oauth:grant-type:jwt-bearer',
    ],
  };
}

export function oidcRoutes(deps: OidcRouteDeps): EmulatorRoute[] {
  const userinfo = (request: EmulatorRequest) => {
    const grant = deps.authorize(request, OPENID_SCOPES);
    const account = grant.userId ? deps.accounts.bySub(grant.userId) : undefined;
    if (!account) throw new GoogleApiError(401, 'authError', 'Request had invalid authentication credentials.');
    const email = grant.scopes.includes(SCOPE_ALIASES.email!);
    const profile = grant.scopes.includes(SCOPE_ALIASES.profile!);
    return json(200, {
      sub: account.sub,
      ...(profile ? { name: account.name, given_name: account.givenName, family_name: account.familyName, picture: account.picture } : {}),
      ...(email ? { email: account.email, email_verified: account.emailVerified } : {}),
      ...(account.hd ? { hd: account.hd } : {}),
    });
  };
  const revoke = (request: EmulatorRequest) => {
    const token = formBody(request).get('token') ?? request.query.get('token');
    if (!token || !deps.tokens.revoke(token)) throw new OAuthError(400, 'invalid_token', 'Token expired or revoked');
    return json(200, {});
  };
  const publicCache = { 'cache-control': 'public, max-age=3600' };
  return [
    {
      method: 'GET',
      path: '/.well-known/openid-configuration',
      name: 'oauth2.discovery',
      kind: 'oauth',
      handler: () => json(200, discoveryDocument(deps.issuer), publicCache),
    },
    {
      method: 'GET',
      path: '/oauth2/v3/certs',
      name: 'oauth2.certs',
      kind: 'oauth',
      handler: () => json(200, deps.keys.jwks(), { 'cache-control': 'public, max-age=300, must-revalidate, no-transform' }),
    },
    { method: 'GET', path: '/o/oauth2/v2/auth', name: 'oauth2.authorize', kind: 'oauth', handler: (r) => deps.authorization.start(r) },
    { method: 'GET', path: '/o/oauth2/auth', name: 'oauth2.authorize', kind: 'oauth', handler: (r) => deps.authorization.start(r) },
    {
      method: 'POST',
      path: '/o/oauth2/v2/auth/choose',
      name: 'oauth2.chooser',
      kind: 'oauth',
      handler: (r) => deps.authorization.choose(r),
    },
    { method: 'GET', path: '/v1/userinfo', name: 'oauth2.userinfo', kind: 'oauth', handler: userinfo },
    { method: 'POST', path: '/v1/userinfo', name: 'oauth2.userinfo', kind: 'oauth', handler: userinfo },
    { method: 'GET', path: '/oauth2/v3/userinfo', name: 'oauth2.userinfo', kind: 'oauth', handler: userinfo },
    { method: 'POST', path: '/revoke', name: 'oauth2.revoke', kind: 'oauth', handler: revoke },
    // The device flow is for "TVs and Limited Input devices" clients; every client here is a web client.
    {
      method: 'POST',
      path: '/device/code',
      name: 'oauth2.deviceCode',
      kind: 'oauth',
      handler: () => {
        throw new OAuthError(401, 'invalid_client', 'Invalid client type.');
      },
    },
  ];
}
