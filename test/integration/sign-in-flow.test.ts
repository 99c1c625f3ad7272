import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { hashSessionIdentifier } from '../../shared/adapters/dynamodb/sessions.js';
import { captureOutput } from '../support/logs.js';
import { TEST_PROVIDER_TOKEN_MARKER } from '../support/oidc-test-provider.js';
import { ADA, startSignInFixture, type SignInFixture } from '../support/sign-in-app.js';
import { browserFetch, followProviderRedirect, signIn, startLogin } from '../support/sign-in.js';

describe('sign-in flow against an in-process OpenID provider', () => {
  let fx: SignInFixture;
  beforeAll(async () => {
    fx = await startSignInFixture();
  });
  afterAll(() => fx.close());

  it('sends the browser to the provider with state, nonce, PKCE S256, prompt, query response mode and an encrypted __Host- transaction cookie', async () => {
    const jar = new Map<string, string>();
    const { response, authorizationUrl } = await startLogin(fx.app.origin, jar, '/people?q=ada');
    const params = authorizationUrl.searchParams;
    expect(`${authorizationUrl.origin}${authorizationUrl.pathname}`).toBe(`${fx.provider.issuer}/authorize`);
    expect(Object.fromEntries(params)).toMatchObject({
      response_type: 'code',
      response_mode: 'query',
      client_id: fx.provider.clientId,
      redirect_uri: `${fx.app.origin}/auth/callback`,
      scope: 'openid profile email',
      code_challenge_method: 'S256',
      prompt: 'select_account',
    });
    for (const name of ['state', 'nonce', 'code_challenge']) expect(params.get(name)).toMatch(/^[\w-]{43}$/);
    // Two domains are allowed by default: no hd hint.
    expect(params.has('hd')).toBe(false);
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(
      /^__Host-wb-tx-[\w-]{16}=[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+; Path=\/; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(cookie).toContain(params.get('state')!.slice(0, 16));
    // The cookie is encrypted: neither the state, the nonce nor the return path shows.
    expect(cookie).not.toContain(params.get('nonce'));
    expect(cookie).not.toContain('people');
  });

  it('signs in, lands on returnTo with a new __Host- session, answers /api/me, and logout ends the session at once', async () => {
    const capture = captureOutput();
    let result;
    try {
      result = await signIn(fx.app.origin, followProviderRedirect, { returnTo: '/people?q=ada#top' });
    } finally {
      capture.restore();
    }
    const { response, jar, sessionId } = result;
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/people?q=ada#top');
    const setCookies = response.headers.getSetCookie();
    expect(setCookies.find((c) => c.startsWith('__Host-wb-tx-'))).toMatch(/Max-Age=0/);
    expect(setCookies.find((c) => c.startsWith(SESSION_COOKIE))).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[\\w-]{43}; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax$`),
    );
    expect(sessionId).toMatch(/^[\w-]{43}$/);
    expect([...jar.keys()]).toEqual([SESSION_COOKIE]);
    expect(capture.lines().some((line) => line.includes('"signed in"') && line.includes(`"userId":"${ADA.sub}"`))).toBe(true);

    const me = await browserFetch(fx.app.origin, '/api/me', jar);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { id: ADA.sub, primaryEmail: 'ada@example.com', name: { fullName: 'Ada Lovelace' } },
      isAdmin: false,
      integrations: ['gmail', 'drive', 'calendar'],
      session: { id: hashSessionIdentifier(sessionId!) },
    });

    const logout = await browserFetch(fx.app.origin, '/auth/logout', jar, { method: 'POST' });
    expect(logout.status).toBe(204);
    expect(logout.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0`));
    const after = await fetch(`${fx.app.origin}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=${sessionId}` } });
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: { code: 'unauthenticated', message: expect.any(String) } });
  });

  it('stores only the hash of the session identifier and never a token or code', async () => {
    const { sessionId } = await signIn(fx.app.origin, followProviderRedirect);
    const { Items = [] } = await fx.app.deps.db.send(new ScanCommand({ TableName: fx.app.deps.config.tableName }));
    const dump = JSON.stringify(Items);
    expect(dump).toContain(hashSessionIdentifier(sessionId!));
    expect(dump).not.toContain(sessionId);
    expect(dump).not.toContain(TEST_PROVIDER_TOKEN_MARKER);
    for (const token of fx.provider.issuedIdTokens) expect(dump).not.toContain(token.split('.')[2]);
  });

  it('gives every sign-in a new identifier and ends the session the browser had before', async () => {
    const first = await signIn(fx.app.origin, followProviderRedirect);
    const firstId = first.sessionId!;
    const second = await signIn(fx.app.origin, followProviderRedirect, { jar: first.jar });
    expect(second.sessionId).toBeDefined();
    expect(second.sessionId).not.toBe(firstId);
    expect((await fetch(`${fx.app.origin}/api/me`, { headers: { cookie: `${SESSION_COOKIE}=${firstId}` } })).status).toBe(401);
    expect((await browserFetch(fx.app.origin, '/api/me', second.jar)).status).toBe(200);
  });

  it('lets two tabs sign in at once: each transaction has its own cookie', async () => {
    const jar = new Map<string, string>();
    const tabA = await startLogin(fx.app.origin, jar, '/a');
    const tabB = await startLogin(fx.app.origin, jar, '/b');
    expect([...jar.keys()].filter((name) => name.startsWith('__Host-wb-tx-'))).toHaveLength(2);
    const callbackA = await followProviderRedirect(tabA.authorizationUrl);
    const callbackB = await followProviderRedirect(tabB.authorizationUrl);
    const b = await browserFetch(fx.app.origin, `${callbackB.pathname}${callbackB.search}`, jar);
    const a = await browserFetch(fx.app.origin, `${callbackA.pathname}${callbackA.search}`, jar);
    expect([a.status, a.headers.get('location')]).toEqual([302, '/a']);
    expect([b.status, b.headers.get('location')]).toEqual([302, '/b']);
  });

  it('fetches discovery and the JWKS once for all sign-ins of a warm function', async () => {
    await signIn(fx.app.origin, followProviderRedirect);
    await signIn(fx.app.origin, followProviderRedirect);
    expect(fx.provider.discoveryFetches).toBe(1);
    expect(fx.provider.jwksFetches).toBe(1);
  });

  it('answers unauthenticated API calls with 401 JSON', async () => {
    for (const path of ['/api/me', '/api/me/sessions']) {
      const response = await fetch(`${fx.app.origin}${path}`, { headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(43)}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });
});
