import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putUser } from '../../shared/adapters/dynamodb/users.js';
import { makeUser } from '../support/directory.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';
import { startOidcProviderPeer, type OidcProviderPeer } from '../support/oidc-provider-peer.js';
import { ADA } from '../support/sign-in-app.js';
import { browserFetch, signIn } from '../support/sign-in.js';

/**
 * Interop: the whole flow against panva's OpenID-certified oidc-provider, an implementation we did
 * not write, so the relying party is not only right about our own test provider and emulator.
 */
describe('interop with oidc-provider (OpenID-certified)', () => {
  let peer: OidcProviderPeer;
  let app: LocalApp;
  beforeAll(async () => {
    peer = await startOidcProviderPeer({ account: ADA });
    app = await startLocalApp({ OIDC_ISSUER: peer.issuer, GOOGLE_CLIENT_ID: peer.clientId, GOOGLE_CLIENT_SECRET: peer.clientSecret });
    await peer.register(`${app.origin}/auth/callback`);
    await putUser(app.deps.db, app.deps.config.tableName, makeUser({ id: ADA.sub, primaryEmail: ADA.email }));
  });
  afterAll(async () => {
    await app.close();
    await peer.close();
  });

  it('signs in (PKCE, RFC 9207 iss, client_secret_basic, RS256 ID token), answers /api/me and logs out', async () => {
    const { response, jar } = await signIn(app.origin, peer.authorize, { returnTo: '/welcome' });
    expect(response.status, await response.clone().text()).toBe(302);
    expect(response.headers.get('location')).toBe('/welcome');
    const me = await browserFetch(app.origin, '/api/me', jar);
    expect(await me.json()).toMatchObject({ user: { id: ADA.sub, primaryEmail: ADA.email } });
    expect((await browserFetch(app.origin, '/auth/logout', jar, { method: 'POST' })).status).toBe(204);
    expect((await browserFetch(app.origin, '/api/me', jar)).status).toBe(401);
  });

  it('refuses the same provider’s consumer-style account without hd', async () => {
    peer.account = { ...ADA, hd: undefined };
    try {
      const { response } = await signIn(app.origin, peer.authorize);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('hd_missing');
    } finally {
      peer.account = ADA;
    }
  });
});
