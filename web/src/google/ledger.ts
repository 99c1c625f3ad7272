/**
 * The in-memory state of the user's Google access token and what it allows: pure functions over
 * an immutable value, so the rules (partial grants, expiry, include_granted_scopes unions) are
 * unit-tested without a browser. The token lives only in this value, in memory.
 */
import { allows, entryFor, type Feature } from './scopes.js';

/** What Google Identity Services hands the token client's callback. */
export interface TokenResponse {
  readonly access_token?: string;
  readonly expires_in?: number | string;
  /** Space-separated granted scopes: with include_granted_scopes, every scope granted so far. */
  readonly scope?: string;
  readonly token_type?: string;
  readonly error?: string;
  readonly error_description?: string;
}

export interface GoogleToken {
  readonly accessToken: string;
  /** Epoch ms after which the token is treated as expired (a safety margin before Google's). */
  readonly expiresAt: number;
  readonly granted: ReadonlySet<string>;
}

/** Tokens are renewed this long before Google would reject them, so a call in flight does not fail. */
export const EXPIRY_MARGIN_MS = 60_000;

export type Access =
  | { readonly kind: 'granted'; readonly token: GoogleToken }
  /** No token in this tab (new tab, reload, revoked): ask, on the user's next click. */
  | { readonly kind: 'not-connected' }
  /** The token expired: ask again on the next click (never open a popup without a gesture). */
  | { readonly kind: 'expired' }
  /** A token exists but the user did not grant this feature's scope (granular consent). */
  | { readonly kind: 'missing-scope'; readonly scope: string };

export class TokenResponseError extends Error {
  override name = 'TokenResponseError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Validates a token response and turns it into the held token. */
export function tokenFromResponse(response: TokenResponse, now: number): GoogleToken {
  if (response.error) {
    throw new TokenResponseError(
      response.error,
      response.error === 'access_denied'
        ? 'You declined the permission in the Google window.'
        : `Google answered "${response.error}"${response.error_description ? `: ${response.error_description}` : ''}.`,
    );
  }
  const accessToken = response.access_token;
  if (!accessToken) throw new TokenResponseError('invalid_response', 'Google sent no access token.');
  if (response.token_type && response.token_type.toLowerCase() !== 'bearer') {
    throw new TokenResponseError('invalid_response', `Unexpected token type ${response.token_type}.`);
  }
  const expiresIn = Number(response.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) throw new TokenResponseError('invalid_response', 'The token has no valid lifetime.');
  return {
    accessToken,
    expiresAt: now + Math.max(0, expiresIn * 1000 - EXPIRY_MARGIN_MS),
    granted: new Set((response.scope ?? '').split(/\s+/).filter(Boolean)),
  };
}

export function accessFor(token: GoogleToken | undefined, feature: Feature, now: number, wasConnected = false): Access {
  if (!token) return wasConnected ? { kind: 'expired' } : { kind: 'not-connected' };
  if (now >= token.expiresAt) return { kind: 'expired' };
  if (!allows(token.granted, feature)) return { kind: 'missing-scope', scope: entryFor(feature).scope };
  return { kind: 'granted', token };
}

/**
 * The scopes to pass to requestAccessToken for a click that needs `features`: only their own
 * narrowest scopes (include_granted_scopes keeps what was granted before), minus those the current
 * token already carries; empty when nothing needs asking.
 */
export function scopesToRequest(token: GoogleToken | undefined, features: readonly Feature[], now: number): string[] {
  const valid = token && now < token.expiresAt ? token : undefined;
  const wanted = features.filter((feature) => !valid || !allows(valid.granted, feature)).map((f) => entryFor(f).scope);
  // An expired token must be replaced even when every scope is known: ask for all the features then.
  return [...new Set(wanted)];
}

/** Features of `features` the token does not allow after a request: the partial grant. */
export function deniedFeatures(token: GoogleToken, features: readonly Feature[]): Feature[] {
  return features.filter((feature) => !allows(token.granted, feature));
}
