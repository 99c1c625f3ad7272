import { CompactSign, exportSPKI, importJWK, SignJWT, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { purposeKeys } from '../../shared/services/purpose-keys.js';
import { listUserSessions, sessionPolicy } from '../../shared/adapters/dynamodb/sessions.js';
import { provideDependencies } from '../../shared/runtime/dependencies.js';
import { MAX_TRANSACTIONS, openTransaction, sealTransaction } from '../../shared/domain/auth/transaction-cookie.js';
import { SETUP_WAIT_MS } from '../../shared/adapters/dynamodb/user-fetch-requests.js';
import { captureOutput } from '../support/logs.js';
import { newSigningKey, type IdTokenMinter } from '../support/oidc-test-provider.js';
import { ADA, startSignInFixture, type SignInFixture } from '../support/sign-in-app.js';
import {
  browserFetch,
  completeCallback,
  cookieHeader,
  followProviderRedirect,
  signIn,
  startLogin,
  type CookieJar,
} from '../support/sign-in.js';

/**
 * The relying party's negative list (OpenID RP conformance plus Google's specifics): each attack
 * must end with the specific refusal — a 4xx page naming the reason, the reason in the logs,
 * and no session cookie.
 */
let fx: SignInFixture;
beforeAll(async () => {
  fx = await startSignInFixture();
  // Several RSA keys and an EC key published from the start: a kid-less token is ambiguous, and
  // an ES256 token is stopped by the algorithm allow-list, not by a missing key.
  fx.provider.keys.push(await newSigningKey('RS256'), await newSigningKey('ES256'));
});
afterAll(() => fx.close());
afterEach(() => {
  vi.useRealTimers();
  fx.provider.account = ADA;
  fx.provider.responseIss = 'issuer';
});

async function expectRejected(attack: () => Promise<Response>, reason: string, status: number): Promise<void> {
  const capture = captureOutput();
  let response: Response;
  try {
    response = await attack();
  } finally {
    capture.restore();
  }
  const body = await response.text();
  expect(response.status, body).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(body).toContain(reason);
  expect(body).not.toMatch(/\bat \w+ \(|Error:/); // no stack trace
  expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
  const logged = capture
    .lines()
    .filter((line) => line.includes('"sign-in rejected"'))
    .map((line) => JSON.parse(line) as { reason: string });
  expect(logged.map((line) => line.reason)).toEqual([reason]);
}

const signInResponse = async () => (await signIn(fx.app.origin, followProviderRedirect)).response;
const withToken = (minter: IdTokenMinter) => () => {
  fx.provider.mintNext(minter);
  return signInResponse();
};
type Claims = JWTPayload & Record<string, unknown>;
const withClaims = (change: (claims: Claims) => Claims) => withToken(({ claims, provider }) => provider.sign(change({ ...claims })));
const without = (name: string) => withClaims(({ [name]: _dropped, ...rest }) => rest);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('ID token claims', () => {
  it.each([
    ['nonce wrong', withClaims((c) => ({ ...c, nonce: 'not-the-nonce-we-sent' })), 'nonce_mismatch'],
    ['nonce missing', without('nonce'), 'nonce_mismatch'],
    ['aud another client', withClaims((c) => ({ ...c, aud: 'other.apps.googleusercontent.com' })), 'aud_mismatch'],
    ['aud missing', without('aud'), 'aud_mismatch'],
    [
      'aud with an extra untrusted audience',
      withClaims((c) => ({ ...c, aud: [fx.provider.clientId, 'other.apps.googleusercontent.com'] })),
      'aud_mismatch',
    ],
    ['azp another client', withClaims((c) => ({ ...c, azp: 'other.apps.googleusercontent.com' })), 'azp_mismatch'],
    ['iss another issuer', withClaims((c) => ({ ...c, iss: 'https://accounts.google.com' })), 'iss_mismatch'],
    ['iss missing', without('iss'), 'iss_mismatch'],
    ['exp in the past', withClaims((c) => ({ ...c, exp: now() - 120 })), 'token_expired'],
    ['exp missing', without('exp'), 'token_expired'],
    ['iat far in the past', withClaims((c) => ({ ...c, iat: now() - 3600 })), 'iat_invalid'],
    ['iat in the future', withClaims((c) => ({ ...c, iat: now() + 3600 })), 'iat_invalid'],
    ['iat missing', without('iat'), 'iat_invalid'],
    ['nbf in the future', withClaims((c) => ({ ...c, nbf: now() + 3600 })), 'token_not_yet_valid'],
    ['nbf not a number', withClaims((c) => ({ ...c, nbf: 'now' as unknown as number })), 'token_not_yet_valid'],
    ['sub missing', without('sub'), 'sub_missing'],
    ['sub an email (users.get would take it for one)', withClaims((c) => ({ ...c, sub: String(c.email) })), 'sub_missing'],
    ['sub with a path separator', withClaims((c) => ({ ...c, sub: `${String(c.sub)}/..` })), 'sub_missing'],
    ['sub over 255 characters', withClaims((c) => ({ ...c, sub: '1'.repeat(256) })), 'sub_missing'],
  ])('rejects %s', (_name, attack, reason) => expectRejected(attack, reason, 400));

  it.each([
    ['hd missing (a consumer account)', without('hd'), 'hd_missing'],
    ['hd of a domain that is not allowed', withClaims((c) => ({ ...c, hd: 'elsewhere.example' })), 'hd_not_allowed'],
    ['an email outside the hd domain', withClaims((c) => ({ ...c, email: 'ada@elsewhere.example' })), 'email_domain_mismatch'],
    ['an email in another allowed domain than hd', withClaims((c) => ({ ...c, email: 'ada@example.org' })), 'email_domain_mismatch'],
    ['email_verified false', withClaims((c) => ({ ...c, email_verified: false })), 'email_unverified'],
    ['email_verified missing', without('email_verified'), 'email_unverified'],
    ['email_verified as the string "true"', withClaims((c) => ({ ...c, email_verified: 'true' })), 'email_unverified'],
  ])('refuses %s with 403', (_name, attack, reason) => expectRejected(attack, reason, 403));
});

describe('ID token signature and key selection', () => {
  it('rejects a signature made with another key under a published kid', () =>
    expectRejected(
      withToken(async ({ claims, provider }) => provider.sign(claims, { kid: provider.keys[0]!.kid }, await newSigningKey('RS256'))),
      'signature_invalid',
      400,
    ));

  it('rejects alg none', () =>
    expectRejected(
      withToken(async ({ claims }) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`),
      'alg_not_allowed',
      400,
    ));

  it('rejects HS256 signed with the public key as the HMAC secret', () =>
    expectRejected(
      withToken(async ({ claims, provider }) => {
        const publicJwk = provider.keys[0]!.publicJwk;
        const pem = await exportSPKI((await importJWK(publicJwk, 'RS256', { extractable: true })) as CryptoKey);
        return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid }).sign(new TextEncoder().encode(pem));
      }),
      'alg_not_allowed',
      400,
    ));

  it('rejects ES256 even with a published EC key', () =>
    expectRejected(
      withToken(({ claims, provider }) =>
        provider.sign(
          claims,
          {},
          provider.keys.find((k) => k.alg === 'ES256'),
        ),
      ),
      'alg_not_allowed',
      400,
    ));

  it('rejects an unknown kid', () =>
    expectRejected(
      withToken(async ({ claims, provider }) => provider.sign(claims, {}, await newSigningKey('RS256'))),
      'kid_unknown',
      400,
    ));

  it('rejects a token without kid when several keys are published', () =>
    expectRejected(
      withToken(({ claims, provider }) => provider.sign(claims, { kid: undefined })),
      'kid_ambiguous',
      400,
    ));
});

describe('state, transaction cookie and authorization response', () => {
  const begin = async (jar: CookieJar = new Map()) => {
    const { authorizationUrl } = await startLogin(fx.app.origin, jar);
    return { jar, callbackUrl: await followProviderRedirect(authorizationUrl) };
  };
  const callback = async (jar: CookieJar, url: URL) => (await completeCallback(fx.app.origin, url, jar)).response;

  it('rejects a missing state', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        callbackUrl.searchParams.delete('state');
        return callback(jar, callbackUrl);
      },
      'state_missing',
      400,
    ));

  it('rejects a wrong state that shares the cookie-name prefix', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        const state = callbackUrl.searchParams.get('state')!;
        callbackUrl.searchParams.set('state', `${state.slice(0, 16)}${'A'.repeat(state.length - 16)}`);
        return callback(jar, callbackUrl);
      },
      'state_mismatch',
      400,
    ));

  it.each([
    ['a cookie attribute after it', (state: string) => `${state.slice(0, 8)};Domain=evil.example`],
    ['CR/LF and a header after it', (state: string) => `${state.slice(0, 8)}\r\nSet-Cookie: injected=1`],
    ['one character too many', (state: string) => `${state}A`],
    ['a character base64url does not use', (state: string) => `${state.slice(0, 42)}=`],
  ])('rejects a state with %s as malformed, naming no cookie after it', (_name, malform) =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        callbackUrl.searchParams.set('state', malform(callbackUrl.searchParams.get('state')!));
        const response = await callback(jar, callbackUrl);
        expect(response.headers.getSetCookie()).toEqual([]);
        return response;
      },
      'state_invalid',
      400,
    ),
  );

  it("rejects the state of another browser's transaction", () =>
    expectRejected(
      async () => {
        const victim = await begin();
        const attacker = await begin();
        return callback(victim.jar, attacker.callbackUrl);
      },
      'state_mismatch',
      400,
    ));

  it('rejects a callback without the transaction cookie', () =>
    expectRejected(
      async () => {
        const { callbackUrl } = await begin();
        return callback(new Map(), callbackUrl);
      },
      'transaction_missing',
      400,
    ));

  it('rejects a tampered transaction cookie', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        const [name, value] = [...jar][0]!;
        const parts = value.split('.');
        parts[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`; // a ciphertext byte, not padding bits
        jar.set(name, parts.join('.'));
        return callback(jar, callbackUrl);
      },
      'transaction_invalid',
      400,
    ));

  it('rejects an expired transaction cookie', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        vi.setSystemTime(Date.now() + 11 * 60_000);
        return callback(jar, callbackUrl);
      },
      'transaction_expired',
      400,
    ));

  it('rejects a replayed authorization code', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        const copy = new Map(jar);
        expect((await callback(jar, callbackUrl)).status).toBe(302);
        return callback(copy, callbackUrl);
      },
      'code_rejected',
      400,
    ));

  it('rejects a wrong RFC 9207 iss response parameter', () =>
    expectRejected(
      async () => {
        fx.provider.responseIss = 'https://accounts.google.com';
        return signInResponse();
      },
      'iss_param_mismatch',
      400,
    ));

  it('rejects a missing iss response parameter when the provider advertises it', () =>
    expectRejected(
      async () => {
        fx.provider.responseIss = null;
        return signInResponse();
      },
      'iss_param_mismatch',
      400,
    ));

  it('refuses an unsafe returnTo in the transaction before the session changes (previous session kept)', async () => {
    const { jar } = await signIn(fx.app.origin, followProviderRedirect);
    const { callbackUrl } = await begin(jar);
    const [name, sealed] = [...jar].find(([cookie]) => cookie !== SESSION_COOKIE)!;
    const keys = await purposeKeys(fx.app.deps, 'transaction-cookie');
    // What an older login (before the normalised check) could have sealed.
    jar.set(name, await sealTransaction({ ...(await openTransaction(sealed, keys)), returnTo: '/.//evil.example' }, keys));
    const sessions = () => listUserSessions(fx.app.deps.db, fx.app.deps.config.tableName, ADA.sub, sessionPolicy(fx.app.deps.config));
    const before = (await sessions()).map((s) => s.id);
    await expectRejected(() => callback(jar, callbackUrl), 'return_to_invalid', 400);
    expect((await sessions()).map((s) => s.id)).toEqual(before);
    expect((await browserFetch(fx.app.origin, '/api/me', jar)).status).toBe(200);
  });

  it('rejects an authorization response without a code', () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        callbackUrl.searchParams.delete('code');
        return callback(jar, callbackUrl);
      },
      'code_missing',
      400,
    ));

  it.each([
    ['not JSON', '<html>gateway</html>'],
    ['JSON null', 'null'],
    ['a JSON string', '"id_token"'],
  ])('rejects a token response that is %s', (_name, body) =>
    expectRejected(
      () => {
        fx.provider.answerNextTokenRequestWith(body);
        return signInResponse();
      },
      'token_response_invalid',
      400,
    ),
  );

  it.each([
    ['no id_token', { access_token: 'a', token_type: 'Bearer' }],
    ['an empty id_token', { access_token: 'a', token_type: 'Bearer', id_token: '' }],
    ['an id_token that is not a string', { access_token: 'a', token_type: 'Bearer', id_token: { sub: ADA.sub } }],
  ])('rejects a token response with %s', (_name, body) =>
    expectRejected(
      () => {
        fx.provider.answerNextTokenRequestWith(JSON.stringify(body));
        return signInResponse();
      },
      'id_token_missing',
      400,
    ),
  );

  it.each([
    ['not a JWS at all', withToken(async () => 'not-a-token')],
    ['a JWS of two parts', withToken(async ({ claims }) => `${b64({ alg: 'RS256' })}.${b64(claims)}`)],
    ['a header that is not JSON', withToken(async ({ claims }) => `${Buffer.from('{alg').toString('base64url')}.${b64(claims)}.c2ln`)],
    [
      'a signed payload that is not JSON',
      withToken(async ({ provider }) => {
        const key = provider.keys[0]!;
        return new CompactSign(new TextEncoder().encode('not json'))
          .setProtectedHeader({ alg: key.alg, kid: key.kid })
          .sign(key.privateKey);
      }),
    ],
    [
      'a signed payload that is a JSON array',
      withToken(async ({ provider }) => {
        const key = provider.keys[0]!;
        return new CompactSign(new TextEncoder().encode('[1,2]')).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
      }),
    ],
  ])('rejects an ID token that is %s as malformed', (_name, attack) => expectRejected(attack, 'id_token_malformed', 400));

  it("shows the provider's error (the user cancelled) as a refusal", () =>
    expectRejected(
      async () => {
        const { jar, callbackUrl } = await begin();
        const denied = new URL(callbackUrl);
        denied.search = new URLSearchParams({
          error: 'access_denied',
          state: callbackUrl.searchParams.get('state')!,
          iss: fx.provider.issuer,
        }).toString();
        return callback(jar, denied);
      },
      'provider_error',
      400,
    ));
});

describe('when something fails unexpectedly', () => {
  /** The "try again" page: 500 with the request id to quote, no stack trace, no session; resolves to the "sign-in failed" log line. */
  async function expectUnavailable(attempt: () => Promise<Response>): Promise<string | undefined> {
    const capture = captureOutput();
    let response: Response;
    try {
      response = await attempt();
    } finally {
      capture.restore();
    }
    const body = await response.text();
    expect(response.status, body).toBe(500);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(body).toContain('Sign-in is unavailable right now');
    expect(body).toContain(`request ${response.headers.get('x-request-id')}`);
    expect(body).not.toMatch(/\bat \w+ \(|Error:/);
    expect(response.headers.getSetCookie().some((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))).toBe(false);
    return capture.lines().find((line) => line.includes('"sign-in failed"'));
  }

  it('answers a token endpoint failure with the page and an error log without secrets', async () => {
    fx.provider.mintNext(async () => {
      throw new Error('provider exploded');
    });
    const failure = await expectUnavailable(signInResponse);
    expect(failure).toContain('Token endpoint answered HTTP 500');
    expect(failure).not.toMatch(/code=|TESTPROVIDERTOKEN/);
  });

  it('answers a DynamoDB failure (here: the table is gone) with the page', async () => {
    provideDependencies({ ...fx.app.deps, config: { ...fx.app.deps.config, tableName: 'no-such-table' } });
    try {
      expect(await expectUnavailable(signInResponse)).toContain('ResourceNotFoundException');
    } finally {
      provideDependencies(fx.app.deps);
    }
  });
});

describe('a cookie bomb', () => {
  it('keeps at most a few transaction cookies, the newest: after 60 login starts a sign-in still works and the Cookie header stays under 4 KB', async () => {
    const jar: CookieJar = new Map();
    for (let i = 0; i < 60; i++) {
      await startLogin(fx.app.origin, jar);
      expect(cookieHeader(jar).length).toBeLessThan(4096);
    }
    expect([...jar.keys()].filter((name) => name.startsWith('__Host-wb-tx-'))).toHaveLength(MAX_TRANSACTIONS);
    // The newest transactions survive (a tab that is still signing in is the last one started).
    const { response } = await signIn(fx.app.origin, followProviderRedirect, { jar });
    expect(response.status).toBe(302);
    expect((await browserFetch(fx.app.origin, '/api/me', jar)).status).toBe(200);
    expect(cookieHeader(jar).length).toBeLessThan(4096);
  });

  it("evicts the oldest transaction, so an older tab's sign-in fails while the newer ones complete", async () => {
    const jar: CookieJar = new Map();
    const tabs: URL[] = [];
    for (let i = 0; i <= MAX_TRANSACTIONS; i++) {
      const { authorizationUrl } = await startLogin(fx.app.origin, jar);
      tabs.push(await followProviderRedirect(authorizationUrl));
      vi.setSystemTime(Date.now() + 1_100); // a different iat second for each
    }
    vi.useRealTimers();
    const [oldest, ...newer] = tabs;
    expect((await completeCallback(fx.app.origin, newer.at(-1)!, jar)).response.status).toBe(302);
    await expectRejected(async () => (await completeCallback(fx.app.origin, oldest!, jar)).response, 'state_mismatch', 400);
    expect((await completeCallback(fx.app.origin, newer[0]!, jar)).response.status).toBe(302);
  });
});

describe('open redirects', () => {
  const refusedAtLogin = (returnTo: string) => async () => {
    const response = await browserFetch(fx.app.origin, `/auth/login?returnTo=${encodeURIComponent(returnTo)}`, new Map());
    expect(response.headers.getSetCookie()).toEqual([]); // no transaction started
    return response;
  };

  it.each([
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    'https://evil.example',
    'HTTPS://evil.example/',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'evil.example',
    '%2F%2Fevil.example',
    '%2f%2fevil.example',
    '/%2Fevil.example',
    '/%5Cevil.example',
    '/%5cevil.example',
    '%252F%252Fevil.example',
    '/%252F%252Fevil.example',
    '/%09/evil.example',
    '/\t/evil.example',
    '%',
    'http:%2F%2Fevil.example',
    // Dot segments the URL parser removes, leaving `//evil.example`.
    '/.//evil.example',
    '/a/..//evil.example',
    '/%2e//evil.example',
    '/%2E%2E//evil.example',
    '/a/%2e%2e//evil.example',
  ])('refuses returnTo=%s at /auth/login', (returnTo) => expectRejected(refusedAtLogin(returnTo), 'return_to_invalid', 400));

  it('refuses a returnTo under the length cap that percent-encoding takes over it (500 × "é": 3,001 characters)', () =>
    expectRejected(refusedAtLogin(`/${'é'.repeat(500)}`), 'return_to_invalid', 400));

  it('refuses a returnTo over 512 characters', () => expectRejected(refusedAtLogin(`/${'a'.repeat(512)}`), 'return_to_invalid', 400));

  it('keeps the most transaction cookies a browser can hold, with the longest returnTo, and a session under 4 KB together', async () => {
    const longest = `/${'a'.repeat(511)}`;
    const { jar } = await signIn(fx.app.origin, followProviderRedirect);
    for (let i = 0; i < MAX_TRANSACTIONS; i++) await startLogin(fx.app.origin, jar, longest);
    expect([...jar.keys()].filter((name) => name.startsWith('__Host-wb-tx-'))).toHaveLength(MAX_TRANSACTIONS);
    expect(cookieHeader(jar).length).toBeLessThan(4096);
  });

  it.each([
    ['/people?q=a%20b#x', '/people?q=a%20b#x'],
    ['/a/../b', '/b'],
    ['/docs/100%25', '/docs/100%25'],
    ['', '/'],
  ])('accepts returnTo=%s', async (returnTo, expected) => {
    const { response } = await signIn(fx.app.origin, followProviderRedirect, { returnTo });
    expect(response.headers.get('location')).toBe(expected);
  });
});

describe('who signed in', () => {
  const as = (sub: string, email: string) => {
    fx.provider.account = { ...ADA, sub, email };
    return signInResponse;
  };

  it.each([
    ['suspended', { suspended: true }, 'account_suspended'],
    ['archived', { archived: true }, 'account_archived'],
    ['deleted', { deletedAt: '2026-01-01T00:00:00Z' }, 'account_deleted'],
  ] as const)('refuses a %s user with a friendly page', async (_state, change, reason) => {
    const sub = `blocked-${reason}`;
    await fx.seed({ id: sub, primaryEmail: `${sub}@example.com`, ...change });
    await expectRejected(as(sub, `${sub}@example.com`), reason, 403);
  });

  it('never takes identity from the email: an unknown sub with an existing admin\'s address gets no session, only "being set up"', async () => {
    await fx.seed({ id: 'directory-id-boss', primaryEmail: 'boss@example.com', isAdmin: true });
    fx.provider.account = { ...ADA, sub: 'recycled-address-sub', email: 'boss@example.com' };
    const { response, jar } = await signIn(fx.app.origin, followProviderRedirect);
    const page = await response.text();
    expect(response.status, page).toBe(200);
    expect(page).toContain('Your account is being set up');
    expect(page).toMatch(/<meta http-equiv="refresh" content="\d+; url=\/auth\/login\?returnTo=%2F">/);
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect((await browserFetch(fx.app.origin, '/api/me', jar)).status).toBe(401);
  });

  it('matches no one by alias either: an unknown sub with an alias of another person gets no session', async () => {
    await fx.seed({ id: 'directory-id-grace', primaryEmail: 'grace@example.com', aliases: ['g.hopper@example.org'] });
    fx.provider.account = { ...ADA, sub: 'token-sub-grace', email: 'g.hopper@example.org', hd: 'example.org' };
    const { response, jar } = await signIn(fx.app.origin, followProviderRedirect);
    expect(response.status).toBe(200);
    expect(jar.has(SESSION_COOKIE)).toBe(false);
  });

  it('gives up with a clear refusal when the fetch has not answered within the wait', async () => {
    fx.provider.account = { ...ADA, sub: 'never-answered-sub', email: 'late@example.com' };
    expect((await signInResponse()).status).toBe(200);
    vi.setSystemTime(Date.now() + SETUP_WAIT_MS + 1_000);
    await expectRejected(signInResponse, 'user_unknown', 403);
  });
});
