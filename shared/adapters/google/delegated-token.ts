/**
 * Where directory sync gets its delegated access token (the service account impersonating the
 * admin subject with the read-only scopes). Two implementations behind one small interface: the
 * key-based JWT-bearer grant (service-account-client.ts) and the keyless chain through Workload
 * Identity Federation (workload-identity.ts). Google's API clients take the token through an
 * OAuth2Client whose refresh handler asks the source, so neither the Directory client nor the
 * preflight knows which credential mode runs.
 */
import { OAuth2Client } from 'google-auth-library';

export interface DelegatedToken {
  readonly accessToken: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/** One line of the credential's own checks (the preflight's first lines). */
export interface CredentialCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface DelegatedTokenSource {
  /** A token impersonating the admin subject with exactly these scopes. */
  token(scopes: readonly string[]): Promise<DelegatedToken>;
  /** Who domain-wide delegation must be granted to, as the Workspace admin console asks for it. */
  readonly delegationClient: string;
  /** Walks the credential's steps up to (not including) the delegated token; stops at the first failure. */
  verify(): Promise<CredentialCheck[]>;
}

/** The chain's steps, in order, so a failure names the one that broke. */
export type CredentialStep = 'aws-credentials' | 'sts' | 'sign-jwt' | 'token';

/** A step of the keyless chain failed; the message says what it means and how to fix it. */
export class DelegatedTokenError extends Error {
  override name = 'DelegatedTokenError';
  constructor(
    readonly step: CredentialStep,
    message: string,
    /** Google's OAuth `error` or API `errors[0].reason` / `status`, when it answered. */
    readonly reason?: string,
    /** Google's HTTP status, when it answered. */
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Tokens are asked for again this long before they expire, so no call carries one that dies on the way. */
export const TOKEN_RENEWAL_MARGIN_MS = 5 * 60_000;

/** Keeps each scope set's token until shortly before it expires; concurrent askers share one request. */
export function cachedPerScopeSet(fetch: (scopes: readonly string[]) => Promise<DelegatedToken>, now: () => number = Date.now) {
  const tokens = new Map<string, DelegatedToken>();
  const inFlight = new Map<string, Promise<DelegatedToken>>();
  return (scopes: readonly string[]): Promise<DelegatedToken> => {
    const key = [...new Set(scopes)].sort().join(' ');
    const token = tokens.get(key);
    if (token && token.expiresAt - TOKEN_RENEWAL_MARGIN_MS > now()) return Promise.resolve(token);
    let request = inFlight.get(key);
    if (!request) {
      request = fetch(scopes)
        .then((fresh) => {
          tokens.set(key, fresh);
          return fresh;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, request);
    }
    return request;
  };
}

/** An auth client for Google's generated API clients that takes its token from the source. */
export function delegatedAuthClient(source: DelegatedTokenSource, scopes: readonly string[]): OAuth2Client {
  const client = new OAuth2Client({ eagerRefreshThresholdMillis: TOKEN_RENEWAL_MARGIN_MS });
  client.refreshHandler = async () => {
    const token = await source.token(scopes);
    return { access_token: token.accessToken, expiry_date: token.expiresAt };
  };
  return client;
}
