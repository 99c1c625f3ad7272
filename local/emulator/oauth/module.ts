/**
 * Google's OAuth 2.0 / OpenID Connect endpoints as one emulator module: the token endpoint (code,
 * refresh and JWT-bearer grants), discovery, JWKS, the authorization endpoint with its chooser,
 * userinfo and revoke.
 */
import type { EmulatorModule } from '../module.js';
import { AuthorizationEndpoint } from './authorize.js';
import { authorizationCodeGrant, refreshTokenGrant } from './code-grant.js';
import { oidcRoutes } from './oidc-routes.js';
import { tokenEndpoint } from './token-endpoint.js';

export const oauthModule: EmulatorModule = {
  name: 'oauth2',
  routes(context) {
    const { origin: issuer, clients, accounts, tokens, keys, now } = context;
    const authorization = new AuthorizationEndpoint({ issuer, clients, accounts, tokens, now });
    const jwtBearer = {
      serviceAccount: context.serviceAccount,
      delegation: context.delegation,
      store: context.directory,
      tokens,
      tokenEndpoint: `${issuer}/token`,
      now,
    };
    const codeGrant = { issuer, clients, authorization, tokens, keys, accounts, now };
    const token = tokenEndpoint(jwtBearer, {
      authorization_code: authorizationCodeGrant(codeGrant),
      refresh_token: refreshTokenGrant(codeGrant),
    });
    return [
      { method: 'POST', path: '/token', name: 'oauth2.token', kind: 'oauth', handler: token },
      ...oidcRoutes({ issuer, authorization, keys, tokens, accounts, authorize: context.authorize }),
    ];
  },
};
