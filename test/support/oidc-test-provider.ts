import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/**
 * A tiny OpenID provider built with jose, in-process on a free port: discovery, JWKS, an
 * authorization endpoint that signs in `account` at once, and a token endpoint that checks the
 * client, the single-use code, the redirect URI and PKCE, then returns whatever ID token the test
 * mints. Negative tests shape each malformed token here; the relying party under test cannot tell
 * it from a real provider.
 */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface TokenRequestContext {
  /** The claims a correct provider would put in the ID token for this code. */
  readonly claims: JWTPayload & Record<string, unknown>;
  readonly provider: OidcTestProvider;
}

export type IdTokenMinter = (context: TokenRequestContext) => Promise<string>;

export interface TestAccount {
  readonly sub: string;
  readonly email: string;
  readonly email_verified?: boolean;
  readonly hd?: string;
  readonly name?: string;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface IssuedCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly challenge: string;
  readonly nonce: string | undefined;
  readonly account: TestAccount;
  used: boolean;
}

/** Marks every token this provider issues, so leak tests can search for it. */
export const TEST_PROVIDER_TOKEN_MARKER = 'TESTPROVIDERTOKEN';

export class OidcTestProvider {
  issuer = '';
  readonly clientId: string;
  readonly clientSecret: string;
  account: TestAccount;
  /** Keys published in the JWKS, signing key first. */
  keys: SigningKey[] = [];
  /** Sign with this key (default: the first published). */
  signingKey: SigningKey | undefined;
  /** Put RFC 9207's `iss` in the authorization response: the issuer, another value, or nothing. */
  responseIss: string | null | 'issuer' = 'issuer';
  jwksFetches = 0;
  discoveryFetches = 0;
  /** Every ID token issued (leak tests look for them). */
  readonly issuedIdTokens: string[] = [];
  private minter: IdTokenMinter | undefined;
  private tokenResponseBody: string | undefined;
  private readonly codes = new Map<string, IssuedCode>();
  private server: Server | undefined;

  constructor(options: { clientId?: string; clientSecret?: string; account: TestAccount }) {
    this.clientId = options.clientId ?? 'test-client.apps.googleusercontent.com';
    this.clientSecret = options.clientSecret ?? 'test-client-secret';
    this.account = options.account;
  }

  static async start(options: { clientId?: string; clientSecret?: string; account: TestAccount }): Promise<OidcTestProvider> {
    const provider = new OidcTestProvider(options);
    provider.keys = [await newSigningKey('RS256')];
    provider.server = createServer((req, res) => {
      void provider.handle(req).then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((ok) => provider.server!.listen(0, '127.0.0.1', ok));
    provider.issuer = `http://127.0.0.1:${(provider.server.address() as AddressInfo).port}`;
    return provider;
  }

  /** The next token request gets the ID token this function mints (then back to correct tokens). */
  mintNext(minter: IdTokenMinter): void {
    this.minter = minter;
  }

  /** The next successful token request is answered 200 with this raw body instead (a broken or lying provider). */
  answerNextTokenRequestWith(body: string): void {
    this.tokenResponseBody = body;
  }

  /** Signs claims as this provider does: RS256 with the signing key and its kid. */
  sign(claims: JWTPayload, header: Record<string, unknown> = {}, key = this.signingKey ?? this.keys[0]!): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
  }

  /** A new key published first and used for signing from now on (key rotation). */
  async rotate(): Promise<SigningKey> {
    const key = await newSigningKey('RS256');
    this.keys = [key, ...this.keys];
    this.signingKey = key;
    return key;
  }

  close(): Promise<void> {
    return new Promise((ok) => {
      this.server?.close(() => ok());
      this.server?.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage): Promise<Answer> {
    const url = new URL(req.url ?? '/', this.issuer);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
      status,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (url.pathname === '/.well-known/openid-configuration') {
      this.discoveryFetches++;
      return json(200, {
        issuer: this.issuer,
        authorization_endpoint: `${this.issuer}/authorize`,
        token_endpoint: `${this.issuer}/token`,
        jwks_uri: `${this.issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') {
      this.jwksFetches++;
      return json(200, { keys: this.keys.map((k) => k.publicJwk) }, { 'cache-control': 'public, max-age=3600' });
    }
    if (url.pathname === '/authorize') return this.authorize(url.searchParams);
    if (url.pathname === '/token' && req.method === 'POST') return this.token(req, json);
    return json(404, { error: 'not_found' });
  }

  private authorize(params: URLSearchParams): Answer {
    const redirectUri = params.get('redirect_uri') ?? '';
    if (
      params.get('client_id') !== this.clientId ||
      params.get('response_type') !== 'code' ||
      params.get('code_challenge_method') !== 'S256'
    ) {
      return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'invalid authorization request' };
    }
    const code = `${TEST_PROVIDER_TOKEN_MARKER}-code-${randomBytes(16).toString('hex')}`;
    this.codes.set(code, {
      clientId: this.clientId,
      redirectUri,
      challenge: params.get('code_challenge') ?? '',
      nonce: params.get('nonce') ?? undefined,
      account: this.account,
      used: false,
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    if (params.has('state')) target.searchParams.set('state', params.get('state')!);
    if (this.responseIss !== null) target.searchParams.set('iss', this.responseIss === 'issuer' ? this.issuer : this.responseIss);
    return { status: 302, headers: { location: target.href }, body: '' };
  }

  private async token(req: IncomingMessage, json: (status: number, body: unknown) => Answer): Promise<Answer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [id, secret] = basic
      ? Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    if (id !== this.clientId || secret !== this.clientSecret) return json(401, { error: 'invalid_client' });
    const issued = this.codes.get(form.get('code') ?? '');
    const verifier = form.get('code_verifier') ?? '';
    if (
      form.get('grant_type') !== 'authorization_code' ||
      !issued ||
      issued.used ||
      issued.redirectUri !== form.get('redirect_uri') ||
      createHash('sha256').update(verifier).digest('base64url') !== issued.challenge
    ) {
      return json(400, { error: 'invalid_grant' });
    }
    issued.used = true;
    const override = this.tokenResponseBody;
    this.tokenResponseBody = undefined;
    if (override !== undefined) return { status: 200, headers: { 'content-type': 'application/json' }, body: override };
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.issuer,
      aud: this.clientId,
      azp: this.clientId,
      iat: now,
      exp: now + 3600,
      ...(issued.nonce !== undefined ? { nonce: issued.nonce } : {}),
      email_verified: true,
      ...issued.account,
    };
    const minter = this.minter;
    this.minter = undefined;
    const idToken = minter ? await minter({ claims, provider: this }) : await this.sign(claims);
    this.issuedIdTokens.push(idToken);
    return json(200, {
      access_token: `${TEST_PROVIDER_TOKEN_MARKER}-access-${randomBytes(16).toString('hex')}`,
      token_type: 'Bearer',
      expires_in: 3599,
      id_token: idToken,
    });
  }
}

export async function newSigningKey(alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = randomBytes(8).toString('hex');
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
