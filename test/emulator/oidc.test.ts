import * as client from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator/emulator.js';
import { CONSUMER_EMAIL, UNVERIFIED_EMAIL } from '../../local/emulator/oauth/accounts.js';
import { DEFAULT_CLIENT } from '../../local/emulator/oauth/clients.js';
import { EMULATOR_JWT_PREFIX, EMULATOR_TOKEN_MARKER, containsEmulatorToken } from '../../local/emulator/oauth/tokens.js';
import { redactString } from '../../shared/logging/redact.js';
import { startTestEmulator } from '../support/emulator.js';

const REDIRECT_URI = DEFAULT_CLIENT.redirectUris[0]!;
let emulator: Emulator;
let config: client.Configuration;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 30, groups: 3 });
  config = await client.discovery(new URL(emulator.issuer), DEFAULT_CLIENT.clientId, DEFAULT_CLIENT.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
});
afterAll(() => emulator.stop());

/** The code flow exactly as a relying party runs it with openid-client, signing in as `email`. */
async function signIn(email: string, extra: Record<string, string> = {}, configuration = config) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid email profile',
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  const callback = await emulator.signInAs(url, email);
  const tokens = await client.authorizationCodeGrant(configuration, callback, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
  });
  return { tokens, callback, verifier, nonce };
}

async function tokenPost(body: Record<string, string>) {
  const response = await fetch(`${emulator.origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OpenID provider through openid-client', () => {
  it("serves discovery with the origin as issuer and Google's endpoint paths", async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(emulator.issuer);
    expect(emulator.issuer).not.toMatch(/\/$/);
    expect(metadata).toMatchObject({
      authorization_endpoint: `${emulator.origin}/o/oauth2/v2/auth`,
      token_endpoint: `${emulator.origin}/token`,
      userinfo_endpoint: `${emulator.origin}/v1/userinfo`,
      revocation_endpoint: `${emulator.origin}/revoke`,
      jwks_uri: `${emulator.origin}/oauth2/v3/certs`,
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['plain', 'S256'],
    });
  });

  it("lists every member Google's discovery document lists, and the device endpoint answers as Google's does for a web client", async () => {
    // The members of https://accounts.google.com/.well-known/openid-configuration, in Google's order.
    const googles = [
      'issuer',
      'authorization_endpoint',
      'device_authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'revocation_endpoint',
      'jwks_uri',
      'response_types_supported',
      'subject_types_supported',
      'id_token_signing_alg_values_supported',
      'scopes_supported',
      'token_endpoint_auth_methods_supported',
      'claims_supported',
      'code_challenge_methods_supported',
      'grant_types_supported',
    ];
    const document = (await (await fetch(`${emulator.origin}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(Object.keys(document)).toEqual(googles);
    expect(document.response_types_supported).toEqual([
      'code',
      'token',
      'id_token',
      'code token',
      'code id_token',
      'token id_token',
      'code token id_token',
      'none',
    ]);
    expect(document.grant_types_supported).toContain('urn:ietf:params:oauth:grant-type:device_code');
    const device = await fetch(String(document.device_authorization_endpoint), {
      method: 'POST',
      body: new URLSearchParams({ client_id: DEFAULT_CLIENT.clientId, scope: 'openid' }),
    });
    expect(device.status).toBe(401);
    expect(await device.json()).toEqual({ error: 'invalid_client', error_description: 'Invalid client type.' });
  });

  it("runs the code flow with PKCE, state and nonce and issues Google's ID token claims", async () => {
    const { tokens, callback, nonce } = await signIn('ada@example.com');
    expect(callback.searchParams.get('iss')).toBe(emulator.issuer);
    expect(callback.searchParams.get('hd')).toBe('example.com');
    const claims = tokens.claims()!;
    const ada = emulator.directory.admin;
    expect(claims).toMatchObject({
      iss: emulator.issuer,
      aud: DEFAULT_CLIENT.clientId,
      azp: DEFAULT_CLIENT.clientId,
      sub: ada.id,
      email: 'ada@example.com',
      email_verified: true,
      hd: 'example.com',
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      nonce,
      at_hash: expect.any(String),
      picture: emulator.directory.admin.thumbnailPhotoUrl,
    });
    expect(claims.exp - claims.iat).toBe(3600);
    expect(Object.keys(claims)).toEqual([
      'iss',
      'azp',
      'aud',
      'sub',
      'hd',
      'email',
      'email_verified',
      'at_hash',
      'nonce',
      'name',
      'picture',
      'given_name',
      'family_name',
      'iat',
      'exp',
    ]);
    expect(tokens.scope?.split(' ').sort()).toEqual([
      'https://www.googleapis.com/auth/userinfo.email',
      'https://www.googleapis.com/auth/userinfo.profile',
      'openid',
    ]);
  });

  it('marks every token it issues and lists them in issuedTokens()', async () => {
    const { tokens, callback } = await signIn('ada@example.com', { access_type: 'offline' });
    const code = callback.searchParams.get('code')!;
    expect(code).toMatch(/^4\//);
    for (const opaque of [code, tokens.access_token, tokens.refresh_token!]) expect(opaque).toContain(EMULATOR_TOKEN_MARKER);
    expect(tokens.id_token!.startsWith(EMULATOR_JWT_PREFIX)).toBe(true);
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
    expect(emulator.issuedTokens()).toEqual(expect.arrayContaining([code, tokens.access_token, tokens.refresh_token, tokens.id_token]));
    for (const token of emulator.issuedTokens()) {
      expect(containsEmulatorToken(`log line with ${token} inside`)).toBe(true);
      // The app's log redaction recognises every shape the emulator issues.
      expect(containsEmulatorToken(redactString(`log line with ${token} inside`))).toBe(false);
    }
  });

  it('accepts client_secret_basic as well as client_secret_post', async () => {
    const basic = await client.discovery(
      new URL(emulator.issuer),
      DEFAULT_CLIENT.clientId,
      undefined,
      client.ClientSecretBasic(DEFAULT_CLIENT.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    const { tokens } = await signIn('ada@example.com', {}, basic);
    expect(tokens.claims()?.email).toBe('ada@example.com');
  });

  it('serves userinfo, and the consumer and unverified accounts as Google would', async () => {
    const { tokens } = await signIn('ada@example.com');
    const info = await client.fetchUserInfo(config, tokens.access_token, emulator.directory.admin.id);
    expect(info).toMatchObject({
      sub: emulator.directory.admin.id,
      email: 'ada@example.com',
      email_verified: true,
      hd: 'example.com',
      name: 'Ada Lovelace',
    });
    const consumer = (await signIn(CONSUMER_EMAIL)).tokens.claims()!;
    expect(consumer.hd).toBeUndefined();
    expect(consumer.email).toBe(CONSUMER_EMAIL);
    expect(consumer.sub).toMatch(/^\d{21}$/);
    expect((await signIn(UNVERIFIED_EMAIL)).tokens.claims()!.email_verified).toBe(false);
  });

  it('refuses a replayed code (and revokes what it gave), a wrong verifier, a wrong secret, a wrong redirect_uri', async () => {
    const { tokens, callback, verifier } = await signIn('ada@example.com');
    const code = callback.searchParams.get('code')!;
    const base = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      client_id: DEFAULT_CLIENT.clientId,
      client_secret: DEFAULT_CLIENT.clientSecret,
      code_verifier: verifier,
    };
    expect(await tokenPost(base)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Bad Request' } });
    expect((await fetch(`${emulator.origin}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(
      401,
    );

    const fresh = async () => {
      const v = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: REDIRECT_URI,
        scope: 'openid email',
        code_challenge: await client.calculatePKCECodeChallenge(v),
        code_challenge_method: 'S256',
      });
      return { code: (await emulator.signInAs(url, 'ada@example.com')).searchParams.get('code')!, verifier: v };
    };
    let next = await fresh();
    expect(await tokenPost({ ...base, code: next.code, code_verifier: client.randomPKCECodeVerifier() })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid code verifier.' },
    });
    next = await fresh();
    expect(await tokenPost({ ...base, code: next.code, code_verifier: next.verifier, client_secret: 'wrong' })).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Unauthorized' },
    });
    next = await fresh();
    expect(
      (await tokenPost({ ...base, code: next.code, code_verifier: next.verifier, redirect_uri: 'http://localhost:3000/other' })).body.error,
    ).toBe('redirect_uri_mismatch');
  });

  it('shows an error page (never redirects) for an unknown client or unregistered redirect URI', async () => {
    const url = new URL(`${emulator.origin}/o/oauth2/v2/auth`);
    url.search = new URLSearchParams({
      client_id: DEFAULT_CLIENT.clientId,
      redirect_uri: 'https://evil.example.net/cb',
      response_type: 'code',
      scope: 'openid',
    }).toString();
    await expect(emulator.signInAs(url, 'ada@example.com')).rejects.toThrow(/400 redirect_uri_mismatch/);
    url.searchParams.set('client_id', 'unknown.apps.googleusercontent.com');
    await expect(emulator.signInAs(url, 'ada@example.com')).rejects.toThrow(/401 invalid_client/);
    emulator.addRedirectUri(DEFAULT_CLIENT.clientId, 'http://127.0.0.1:9/auth/callback');
    url.searchParams.set('client_id', DEFAULT_CLIENT.clientId);
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:9/auth/callback');
    expect((await emulator.signInAs(url, 'ada@example.com')).origin).toBe('http://127.0.0.1:9');
  });

  it('answers prompt=none with login_required (the emulator keeps no browser session)', async () => {
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 's1', prompt: 'none' });
    const answer = await fetch(url, { redirect: 'manual' });
    const location = new URL(answer.headers.get('location')!);
    expect([location.origin + location.pathname, location.searchParams.get('error'), location.searchParams.get('state')]).toEqual([
      REDIRECT_URI,
      'login_required',
      's1',
    ]);
  });

  it('lets no suspended user sign in, and answers cancel with access_denied', async () => {
    const suspended = emulator.directory.users.find((u) => !u.isAdmin && !u.deletionTime)!;
    emulator.directory.suspendUser(suspended.id);
    await expect(signIn(suspended.primaryEmail)).rejects.toThrow(/did not accept/);
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 'xyz' });
    const page = await (await fetch(url)).text();
    expect(page).toContain('ada@example.com');
    const requestId = /name="request" value="([^"]+)"/.exec(page)![1]!;
    const cancel = await fetch(`${emulator.origin}/o/oauth2/v2/auth/choose`, {
      method: 'POST',
      body: new URLSearchParams({ request: requestId, cancel: '1' }),
      redirect: 'manual',
    });
    const location = new URL(cancel.headers.get('location')!);
    expect([location.searchParams.get('error'), location.searchParams.get('state')]).toEqual(['access_denied', 'xyz']);
  });

  it('refreshes with a refresh token until it is revoked', async () => {
    const { tokens } = await signIn('ada@example.com', { access_type: 'offline' });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()?.sub).toBe(emulator.directory.admin.id);
    await client.tokenRevocation(config, tokens.refresh_token!);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await fetch(`${emulator.origin}/v1/userinfo`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })).status).toBe(
      401,
    );
  });

  it('rotates the signing key: the JWKS keeps the old key, new tokens use the new one', async () => {
    const before = (await signIn('ada@example.com')).tokens.id_token!;
    const newKid = await emulator.rotateSigningKey();
    const jwks = (await (await fetch(`${emulator.origin}/oauth2/v3/certs`)).json()) as JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).toContain(newKid);
    expect(jwks.keys).toHaveLength(2);
    expect(jwks.keys.every((k) => k.kty === 'RSA' && k.alg === 'RS256' && k.use === 'sig' && !('d' in k))).toBe(true);
    const after = (await signIn('ada@example.com')).tokens.id_token!;
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    const keySet = createLocalJWKSet(jwks);
    for (const token of [before, after])
      await expect(jwtVerify(token, keySet, { issuer: emulator.issuer, audience: DEFAULT_CLIENT.clientId })).resolves.toBeTruthy();
  });

  it('answers CORS preflights and echoes the Origin on API answers', async () => {
    const preflight = await fetch(`${emulator.origin}/admin/directory/v1/users`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization');
    const answer = await fetch(`${emulator.origin}/admin/directory/v1/users`, { headers: { origin: 'http://localhost:3000' } });
    expect(answer.status).toBe(401);
    expect(answer.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  });
});
