import { importJWK, type JWK } from 'jose';
import { LoginRejected } from './errors.js';

/**
 * The issuer's signing keys (JWKS), cached across invocations of a warm Lambda for as long as the
 * issuer's Cache-Control allows (bounded), and refetched once when a token names a `kid` we do not
 * know (Google rotates keys), at most once per `minRefetchIntervalMs`, so a flood of tokens with
 * made-up `kid`s cannot turn us into a JWKS request amplifier.
 */
export interface JwksCacheOptions {
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  /** Rate limit of refetches caused by unknown `kid`s. */
  readonly minRefetchIntervalMs?: number;
}

/** Only RS256 is accepted, so only RSA signing keys are candidates. */
export const ID_TOKEN_ALG = 'RS256';

const DEFAULT_MAX_AGE_MS = 60 * 60_000;
const MIN_MAX_AGE_MS = 5 * 60_000;
const MAX_MAX_AGE_MS = 24 * 60 * 60_000;

export class JwksCache {
  private keys: readonly JWK[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private maxAgeMs = 0;
  private inflight: Promise<void> | undefined;
  private readonly imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  private readonly fetcher: typeof fetch;
  private readonly now: () => number;
  private readonly minRefetchIntervalMs: number;
  /** Fetches so far (benchmarks and tests watch it). */
  fetchCount = 0;

  constructor(
    private readonly uri: string,
    options: JwksCacheOptions = {},
  ) {
    this.fetcher = options.fetch ?? fetch;
    this.now = options.now ?? (() => Date.now());
    this.minRefetchIntervalMs = options.minRefetchIntervalMs ?? 30_000;
  }

  /** The verification key for a JWS header (already checked to be RS256). */
  async key(header: { readonly kid?: string | undefined }): Promise<CryptoKey | Uint8Array> {
    if (this.now() - this.fetchedAt >= this.maxAgeMs) await this.refresh();
    let jwk = this.select(header.kid);
    if (!jwk && header.kid !== undefined && this.now() - this.fetchedAt >= this.minRefetchIntervalMs) {
      await this.refresh();
      jwk = this.select(header.kid);
    }
    if (!jwk) throw new LoginRejected('kid_unknown');
    const id = JSON.stringify([jwk.kid, jwk.n, jwk.e]);
    let key = this.imported.get(id);
    if (!key) {
      key = importJWK(jwk, ID_TOKEN_ALG);
      this.imported.set(id, key);
    }
    return key;
  }

  private select(kid: string | undefined): JWK | undefined {
    const candidates = this.keys.filter(
      (k) =>
        k.kty === 'RSA' &&
        (k.use === undefined || k.use === 'sig') &&
        (k.alg === undefined || k.alg === ID_TOKEN_ALG) &&
        (k.key_ops === undefined || k.key_ops.includes('verify')),
    );
    if (kid !== undefined) return candidates.find((k) => k.kid === kid);
    // Without a kid the choice is only unambiguous when the issuer publishes a single key.
    if (candidates.length > 1) throw new LoginRejected('kid_ambiguous');
    return candidates[0];
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.download().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async download(): Promise<void> {
    this.fetchCount++;
    const response = await this.fetcher(this.uri, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`JWKS request failed with HTTP ${response.status}`);
    const body = (await response.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys) || !body.keys.every((k) => typeof k === 'object' && k !== null))
      throw new Error('JWKS response has no keys array');
    this.keys = body.keys as JWK[];
    this.fetchedAt = this.now();
    this.maxAgeMs = cacheMaxAge(response.headers.get('cache-control'));
  }
}

function cacheMaxAge(cacheControl: string | null): number {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '');
  const ms = match ? Number(match[1]) * 1000 : DEFAULT_MAX_AGE_MS;
  return Math.min(MAX_MAX_AGE_MS, Math.max(MIN_MAX_AGE_MS, ms));
}

const caches = new Map<string, JwksCache>();

/** The process-wide cache for a JWKS URI (module scope: survives across warm invocations). */
export function jwksCache(uri: string): JwksCache {
  let cache = caches.get(uri);
  if (!cache) {
    cache = new JwksCache(uri);
    caches.set(uri, cache);
  }
  return cache;
}
