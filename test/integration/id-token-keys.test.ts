import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LoginRejected } from '../../shared/domain/auth/errors.js';
import { acceptedIssuers, verifyIdToken } from '../../shared/domain/auth/id-token-checks.js';
import { JwksCache } from '../../shared/domain/auth/jwks.js';
import { OidcTestProvider } from '../support/oidc-test-provider.js';
import { ADA, startSignInFixture, type SignInFixture } from '../support/sign-in-app.js';
import { browserFetch, followProviderRedirect, signIn } from '../support/sign-in.js';

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof LoginRejected ? error.reason : String(error)),
  );

describe('JWKS cache against a real JWKS endpoint', () => {
  let provider: OidcTestProvider;
  beforeAll(async () => {
    provider = await OidcTestProvider.start({ account: ADA });
  });
  afterAll(() => provider.close());

  it('caches keys, refetches once on an unknown kid, rate-limits refetches, follows rotation and Cache-Control', async () => {
    let clock = 1_000_000;
    const jwks = new JwksCache(`${provider.issuer}/jwks`, { now: () => clock, minRefetchIntervalMs: 30_000 });
    const first = provider.keys[0]!.kid;
    await jwks.key({ kid: first });
    await jwks.key({ kid: first });
    expect(provider.jwksFetches).toBe(1);

    // Unknown kid right after a fetch: refused without another request (rate limit).
    expect(await rejection(jwks.key({ kid: 'made-up-1' }))).toBe('kid_unknown');
    expect(provider.jwksFetches).toBe(1);
    // Later: exactly one refetch, then still unknown.
    clock += 31_000;
    expect(await rejection(jwks.key({ kid: 'made-up-2' }))).toBe('kid_unknown');
    expect(provider.jwksFetches).toBe(2);
    expect(await rejection(jwks.key({ kid: 'made-up-3' }))).toBe('kid_unknown');
    expect(provider.jwksFetches).toBe(2);

    // Rotation: a new kid appears in the JWKS and is found by the refetch.
    const rotated = await provider.rotate();
    clock += 31_000;
    await jwks.key({ kid: rotated.kid });
    expect(provider.jwksFetches).toBe(3);
    // Without kid and several keys: ambiguous.
    expect(await rejection(jwks.key({}))).toBe('kid_ambiguous');

    // The provider's max-age (3600 s) ends the cache.
    clock += 3_599_000;
    await jwks.key({ kid: first });
    expect(provider.jwksFetches).toBe(3);
    clock += 2_000;
    await jwks.key({ kid: first });
    expect(provider.jwksFetches).toBe(4);
  });

  it("accepts both of Google's iss forms only when the issuer is Google's", async () => {
    expect(acceptedIssuers('https://accounts.google.com')).toEqual(['https://accounts.google.com', 'accounts.google.com']);
    expect(acceptedIssuers('http://localhost:4000')).toEqual(['http://localhost:4000']);
    const jwks = new JwksCache(`${provider.issuer}/jwks`);
    const now = Math.floor(Date.now() / 1000);
    const expected = {
      issuers: acceptedIssuers('https://accounts.google.com'),
      clientId: provider.clientId,
      nonce: 'n',
      allowedDomains: ['example.com'],
      jwks,
    };
    const token = (iss: string) =>
      provider.sign({
        iss,
        aud: provider.clientId,
        sub: '1',
        iat: now,
        exp: now + 60,
        nonce: 'n',
        email: 'a@example.com',
        email_verified: true,
        hd: 'example.com',
      });
    for (const iss of ['https://accounts.google.com', 'accounts.google.com']) {
      expect((await verifyIdToken(await token(iss), expected)).sub).toBe('1');
    }
    expect(await rejection(verifyIdToken(await token('http://accounts.google.com'), expected))).toBe('iss_mismatch');
  });
});

describe('ID tokens a relying party must still accept', () => {
  let fx: SignInFixture;
  beforeAll(async () => {
    fx = await startSignInFixture();
  });
  afterAll(() => fx.close());
  afterEach(() => vi.useRealTimers());

  const signsIn = async () => {
    const { response, jar } = await signIn(fx.app.origin, followProviderRedirect);
    expect(response.status, await response.clone().text()).toBe(302);
    expect((await browserFetch(fx.app.origin, '/api/me', jar)).status).toBe(200);
  };

  it('accepts aud as an array containing the client id', async () => {
    fx.provider.mintNext(({ claims, provider }) => provider.sign({ ...claims, aud: [provider.clientId] }));
    await signsIn();
  });

  it('accepts a token without kid when the issuer publishes a single key', async () => {
    fx.provider.mintNext(({ claims, provider }) => provider.sign(claims, { kid: undefined }));
    await signsIn();
  });

  it('accepts a token signed with a rotated-in key after one JWKS refetch', async () => {
    const before = fx.provider.jwksFetches;
    await fx.provider.rotate();
    vi.setSystemTime(Date.now() + 31_000); // past the refetch rate limit since the last fetch
    await signsIn();
    expect(fx.provider.jwksFetches).toBe(before + 1);
  });
});
