import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Authorize } from './sign-in.js';
import { cookieHeader, storeCookies } from './sign-in.js';
import type { TestAccount } from './oidc-test-provider.js';

/**
 * panva's oidc-provider (OpenID-certified) in-process on a free port: an independent
 * implementation of the provider side, for the interop test. Claims go into the ID token the way
 * Google puts them (`conformIdTokenClaims: false`); the login interaction is completed
 * programmatically for `account`, and consent is implied as for an internal Workspace app.
 */
export interface OidcProviderPeer {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  account: TestAccount;
  /** Registers our client with its redirect URI (known once the app listens) and starts answering. */
  register(redirectUri: string): Promise<void>;
  /** Drives the provider's authorization and interaction endpoints to the redirect back to us. */
  authorize: Authorize;
  close(): Promise<void>;
}

export async function startOidcProviderPeer(options: { account: TestAccount }): Promise<OidcProviderPeer> {
  const server: Server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'peer-client.apps.googleusercontent.com';
  const clientSecret = 'peer-client-secret-that-is-long-enough-for-hs256-0123456789';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const peer = { issuer, clientId, clientSecret, account: options.account } as OidcProviderPeer;

  peer.register = async (redirectUri) => {
    // Google honours prompt=select_account (its account chooser); oidc-provider needs it registered.
    const policy = interactionPolicy.base();
    policy.add(new interactionPolicy.Prompt({ name: 'select_account', requestable: true }), 0);
    const configuration: Configuration = {
      interactions: { policy },
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'peer-key-1', alg: 'RS256', use: 'sig' }] },
      conformIdTokenClaims: false,
      claims: { openid: ['sub'], email: ['email', 'email_verified', 'hd'], profile: ['name', 'given_name', 'family_name', 'picture'] },
      features: { devInteractions: { enabled: false } },
      cookies: { keys: ['interop-test-cookie-key'] },
      findAccount: (_ctx, sub) => ({
        accountId: sub,
        claims: () => ({
          sub,
          email: peer.account.email,
          email_verified: peer.account.email_verified ?? true,
          hd: peer.account.hd,
          name: peer.account.name,
        }),
      }),
      // An internal app: consent is implied, as Google does for an organisation's own OAuth client.
      loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
        const accountId = ctx.oidc.session?.accountId;
        if (!accountId || !ctx.oidc.client) return undefined;
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
    };
    const provider = new Provider(issuer, configuration);
    const callback = provider.callback();
    server.on('request', (req, res) => {
      if (!req.url?.startsWith('/interaction/')) return void callback(req, res);
      // The account chooser and login page: pick and sign in `account` at once.
      void provider
        .interactionFinished(req, res, { select_account: {}, login: { accountId: peer.account.sub } }, { mergeWithLastSubmission: false })
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  };

  peer.authorize = async (authorizationUrl) => {
    const jar = new Map<string, string>();
    let url = authorizationUrl;
    for (let hop = 0; hop < 10; hop++) {
      if (url.origin !== issuer) return url;
      const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
      storeCookies(jar, response);
      const location = response.headers.get('location');
      if (!location) throw new Error(`oidc-provider answered ${response.status} at ${url.pathname}: ${await response.text()}`);
      url = new URL(location, url);
    }
    throw new Error('Too many redirects at oidc-provider');
  };
  peer.close = () =>
    new Promise<void>((ok) => {
      server.close(() => ok());
      server.closeAllConnections();
    });
  return peer;
}
