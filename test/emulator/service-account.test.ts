import { readFile } from 'node:fs/promises';
import { generateKeyPair, SignJWT, importPKCS8 } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { EMULATOR_TOKEN_MARKER } from '../../local/emulator/oauth/tokens.js';
import { GOOGLE_TOKEN_URL, ServiceAccountKeyError, parseServiceAccountKey } from '../../shared/adapters/google/service-account-client.js';
import { delegatedAuth, directoryClient, startTestEmulator } from '../support/emulator.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 50, groups: 5 });
});
afterAll(() => emulator.stop());

/** Posts a JWT-bearer assertion straight to the emulator's token endpoint. */
async function tokenRequest(claims: Record<string, unknown>, signWith?: CryptoKey) {
  const key = emulator.serviceAccountKey;
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({
    iss: key.client_email,
    aud: GOOGLE_TOKEN_URL,
    scope: DIRECTORY_READONLY_SCOPES.join(' '),
    sub: 'ada@example.com',
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: key.private_key_id })
    .sign(signWith ?? (await importPKCS8(key.private_key, 'RS256')));
  const response = await fetch(key.token_uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('service account with domain-wide delegation', () => {
  it("writes a key file in Google's shape whose token_uri is the emulator", async () => {
    const key = JSON.parse(await readFile(emulator.serviceAccountKeyPath, 'utf8')) as Record<string, string>;
    expect(Object.keys(key).sort()).toEqual([
      'auth_provider_x509_cert_url',
      'auth_uri',
      'client_email',
      'client_id',
      'client_x509_cert_url',
      'private_key',
      'private_key_id',
      'project_id',
      'token_uri',
      'type',
      'universe_domain',
    ]);
    expect(key).toMatchObject({ type: 'service_account', token_uri: `${emulator.origin}/token` });
    expect(key.private_key).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(key.client_id).toMatch(/^\d{21}$/);
    expect(parseServiceAccountKey(JSON.stringify(key)).client_email).toBe(key.client_email);
  });

  it("issues a marked access token to google-auth-library's JWT client with subject", async () => {
    const auth = await delegatedAuth(emulator);
    const { token } = await auth.getAccessToken();
    expect(token).toMatch(/^ya29\./);
    expect(token).toContain(EMULATOR_TOKEN_MARKER);
    expect(emulator.issuedTokens()).toContain(token);
  });

  it("accepts the emulator's own token URL as audience too", async () => {
    const answer = await tokenRequest({ aud: `${emulator.origin}/token` });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
  });

  it('answers unauthorized_client when a scope is not in the delegation grant', async () => {
    const auth = await delegatedAuth(emulator, { scopes: [...DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES.user] });
    await expect(auth.getAccessToken()).rejects.toThrow(/^unauthorized_client: Client is unauthorized to retrieve access tokens/);
    emulator.setDelegatedScopes([DIRECTORY_SCOPES.groupReadonly]);
    try {
      const misconfigured = await tokenRequest({});
      expect(misconfigured).toEqual({
        status: 401,
        body: { error: 'unauthorized_client', error_description: expect.stringMatching(/not authorized for any of the scopes/) },
      });
    } finally {
      emulator.setDelegatedScopes(DIRECTORY_READONLY_SCOPES);
    }
  });

  it('answers invalid_grant for an unknown, suspended or non-admin subject', async () => {
    const regular = emulator.directory.users.find((u) => !u.isAdmin && !u.suspended && !u.deletionTime)!;
    const suspended = emulator.directory.addUser({
      primaryEmail: 'sus.pended@example.com',
      name: { givenName: 'Sus', familyName: 'Pended', fullName: 'Sus Pended' },
      suspended: true,
    });
    for (const sub of ['nobody@example.com', regular.primaryEmail, suspended.primaryEmail]) {
      expect(await tokenRequest({ sub })).toEqual({
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Invalid email or User ID' },
      });
    }
  });

  it('answers invalid_grant for a foreign signature, a wrong audience, an expired or over-long assertion', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[Record<string, unknown>, CryptoKey | undefined, RegExp]> = [
      [{}, privateKey, /^Invalid JWT Signature\.$/],
      [{ aud: 'https://example.com/token' }, undefined, /Failed audience check/],
      [{ iat: now - 7200, exp: now - 3600 }, undefined, /short-lived token/],
      [{ iat: now, exp: now + 7200 }, undefined, /short-lived token/],
      [{ iss: 'someone@else.iam.gserviceaccount.com' }, undefined, /account not found/],
    ];
    for (const [claims, key, description] of cases) {
      const answer = await tokenRequest(claims, key);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('invalid_grant');
      expect(answer.body.error_description).toMatch(description);
    }
    expect((await tokenRequest({ scope: '' })).body).toEqual({
      error: 'invalid_scope',
      error_description: 'Invalid OAuth scope or ID token audience provided.',
    });
  });

  it('gives a bare service-account token (no subject) no directory rights', async () => {
    const answer = await tokenRequest({ sub: undefined });
    expect(answer.status).toBe(200);
    const response = await fetch(`${emulator.origin}/admin/directory/v1/users?customer=my_customer`, {
      headers: { authorization: `Bearer ${String(answer.body.access_token)}` },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      error: { code: 403, message: 'Not Authorized to access this resource/api', errors: [{ reason: 'forbidden' }] },
    });
  });

  it('rejects a key that is not JSON, not a service account, lacks a key, or would send the assertion over plain http elsewhere', () => {
    const key = { type: 'service_account', client_email: 'a@b.iam.gserviceaccount.com', private_key: '-----BEGIN PRIVATE KEY-----\n…' };
    expect(parseServiceAccountKey(JSON.stringify({ ...key, token_uri: 'https://oauth2.googleapis.com/token' })).client_email).toBe(
      key.client_email,
    );
    for (const bad of [
      '{',
      JSON.stringify({ ...key, type: 'authorized_user' }),
      JSON.stringify({ ...key, private_key: '' }),
      JSON.stringify({ ...key, token_uri: 'http://evil.example.com/token' }),
    ]) {
      expect(() => parseServiceAccountKey(bad)).toThrow(ServiceAccountKeyError);
    }
  });

  it("answers 401 with Google's error JSON for a missing or unknown bearer token", async () => {
    const client = await directoryClient(emulator);
    expect((await client.users.list({ customer: 'my_customer' })).status).toBe(200);
    const none = await fetch(`${emulator.origin}/admin/directory/v1/users?customer=my_customer`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { status: 'UNAUTHENTICATED', errors: [{ reason: 'required' }] } });
    const forged = await fetch(`${emulator.origin}/admin/directory/v1/users?customer=my_customer`, {
      headers: { authorization: `Bearer ya29.${EMULATOR_TOKEN_MARKER}.forged` },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('invalid_token');
  });
});
