import { createHash, randomBytes } from 'node:crypto';
import { LoginRejected } from '../../domain/auth/errors.js';
import { JwksCache, jwksCache } from '../../domain/auth/jwks.js';

/**
 * The relying-party side of the OpenID Connect authorization code flow with PKCE, on the wire:
 * discovery, the authorization request, the authorization response (state, RFC 9207 `iss`), and the
 * code exchange. ID token validation is in id-token-checks.ts.
 *
 * Why not openid-client: it compares `iss` to the discovered issuer only (Google also issues the
 * scheme-less `accounts.google.com`), does not verify the signature of a token-endpoint ID token by
 * default, and its JWKS cache has a fixed lifetime and refetch rule we cannot test with a clock.
 * The protocol is small enough to write out check by check with jose; the interop test against
 * panva's certified oidc-provider keeps us honest.
 */
export interface ProviderMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  readonly authorization_response_iss_parameter_supported?: boolean;
}

export interface Provider {
  readonly metadata: ProviderMetadata;
  readonly jwks: JwksCache;
}

const DISCOVERY_TTL_MS = 24 * 60 * 60_000;
const HTTP_TIMEOUT_MS = 5000;
const discovered = new Map<string, { provider: Promise<Provider>; at: number }>();

/** The issuer's metadata, fetched once per warm Lambda (and a day at most), never per request. */
export function discover(issuer: string): Promise<Provider> {
  const cached = discovered.get(issuer);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.provider;
  const provider = fetchMetadata(issuer).then((metadata) => ({ metadata, jwks: jwksCache(metadata.jwks_uri) }));
  discovered.set(issuer, { provider, at: Date.now() });
  provider.catch(() => discovered.delete(issuer)); // a failed discovery is retried by the next request
  return provider;
}

async function fetchMetadata(issuer: string): Promise<ProviderMetadata> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, {
    headers: { accept: 'application/json' },
    redirect: 'error',
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`OpenID discovery at ${url} failed with HTTP ${response.status}`);
  const metadata = (await response.json()) as Partial<ProviderMetadata>;
  // OpenID Connect Discovery 4.3: the document must name exactly the issuer we asked.
  if (metadata.issuer !== issuer) throw new Error(`OpenID discovery at ${url} names issuer ${String(metadata.issuer)}, not ${issuer}`);
  const secure = new URL(issuer).protocol === 'https:';
  for (const key of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
    const value = metadata[key];
    if (typeof value !== 'string' || !URL.canParse(value) || (secure && new URL(value).protocol !== 'https:')) {
      throw new Error(`OpenID discovery at ${url}: ${key} is missing or not ${secure ? 'https' : 'a URL'}`);
    }
  }
  return metadata as ProviderMetadata;
}

export interface PkcePair {
  readonly verifier: string;
  readonly challenge: string;
}

/** 256 bits from the CSPRNG, base64url: states, nonces, PKCE verifiers, session identifiers. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a value has randomToken()'s shape: 43 base64url characters, nothing that could end a header or a cookie name. */
export function isRandomToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

export function pkcePair(): PkcePair {
  const verifier = randomToken();
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeChallenge: string;
  /** Google's account-chooser hint, sent only when exactly one domain is allowed; never trusted. */
  readonly hostedDomain?: string;
}

export function authorizationUrl(provider: Provider, request: AuthorizationRequest): URL {
  const url = new URL(provider.metadata.authorization_endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    response_mode: 'query',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: 'openid profile email',
    state: request.state,
    nonce: request.nonce,
    code_challenge: request.codeChallenge,
    code_challenge_method: 'S256',
    prompt: 'select_account',
    ...(request.hostedDomain ? { hd: request.hostedDomain } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

/**
 * The authorization response's code, after the checks that come before any token exchange:
 * the provider's error, RFC 9207 `iss` (required when the provider advertises it), and the code.
 * State is checked by the caller against the transaction cookie it selected.
 */
export function authorizationCode(provider: Provider, query: URLSearchParams): string {
  const iss = query.get('iss');
  if (iss !== null ? iss !== provider.metadata.issuer : provider.metadata.authorization_response_iss_parameter_supported === true) {
    throw new LoginRejected('iss_param_mismatch');
  }
  if (query.has('error')) throw new LoginRejected('provider_error');
  const code = query.get('code');
  if (!code) throw new LoginRejected('code_missing');
  return code;
}

export interface CodeExchange {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly code: string;
  readonly codeVerifier: string;
}

/** Redeems the code (with the PKCE verifier) and returns the ID token; the access token is dropped unread. */
export async function exchangeCode(provider: Provider, exchange: CodeExchange): Promise<string> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: exchange.code,
    redirect_uri: exchange.redirectUri,
    code_verifier: exchange.codeVerifier,
  });
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
  const methods = provider.metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (methods.includes('client_secret_basic')) {
    // RFC 6749 2.3.1: form-encode each part before Basic's base64.
    const credentials = `${encodeURIComponent(exchange.clientId)}:${encodeURIComponent(exchange.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    body.set('client_id', exchange.clientId);
    body.set('client_secret', exchange.clientSecret);
  }
  const response = await fetch(provider.metadata.token_endpoint, {
    method: 'POST',
    headers,
    body,
    redirect: 'error',
    signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
  });
  const result = (await response.json().catch(() => undefined)) as { id_token?: unknown; error?: unknown } | undefined;
  if (response.status === 400 && result?.error === 'invalid_grant') throw new LoginRejected('code_rejected');
  if (!response.ok) {
    // Our client credentials or the provider are at fault, not the user: a server error, logged with the OAuth error code only.
    throw new Error(
      `Token endpoint answered HTTP ${response.status} (${typeof result?.error === 'string' ? result.error : 'no error code'})`,
    );
  }
  if (typeof result !== 'object' || result === null) throw new LoginRejected('token_response_invalid');
  if (typeof result.id_token !== 'string' || result.id_token === '') throw new LoginRejected('id_token_missing');
  return result.id_token;
}
