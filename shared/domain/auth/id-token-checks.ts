import { compactVerify, errors } from 'jose';
import { LoginRejected } from './errors.js';
import { isGoogleUserId } from '../directory/google-ids.js';
import { ID_TOKEN_ALG, type JwksCache } from './jwks.js';

/**
 * Validation of the ID token, every claim explicitly (OpenID Connect Core 3.1.3.7, plus Google's
 * specifics): signature with RS256 only, against the issuer's published keys; `iss` one of the
 * accepted forms; `aud` our client id and nothing else; `azp` our client id when present; `exp`,
 * `iat` and, when present, `nbf` within a small skew; `nonce` the one this browser's transaction
 * sent; `sub` present; and ours alone: `email_verified` true, `hd` an allowed Workspace domain (the
 * claim, not the hint) and the email in that same domain. The email is never used for identity
 * (that is `sub`), but it is shown and logged as who signed in, so it must belong to the tenant.
 */
export interface IdTokenExpectations {
  /** `iss` values we accept: the discovered issuer, plus Google's scheme-less form for Google. */
  readonly issuers: readonly string[];
  readonly clientId: string;
  readonly nonce: string;
  readonly allowedDomains: readonly string[];
  readonly jwks: JwksCache;
  readonly now?: number;
}

export interface VerifiedIdentity {
  readonly sub: string;
  readonly email: string;
  readonly hd: string;
  readonly name?: string;
  readonly givenName?: string;
  readonly familyName?: string;
  readonly picture?: string;
}

/** Allowed clock difference between us and the issuer. */
export const CLOCK_SKEW_SECONDS = 60;
/** The token endpoint has just issued the token: an older `iat` means a stored or replayed token. */
export const MAX_ID_TOKEN_AGE_SECONDS = 600;

/** Google's ID tokens carry `iss` with or without the scheme (Google's OpenID Connect documentation). */
export function acceptedIssuers(issuer: string): string[] {
  return issuer === 'https://accounts.google.com' ? [issuer, 'accounts.google.com'] : [issuer];
}

export async function verifyIdToken(idToken: string, expected: IdTokenExpectations): Promise<VerifiedIdentity> {
  const claims = await verifiedClaims(idToken, expected.jwks);
  const now = Math.floor((expected.now ?? Date.now()) / 1000);

  if (typeof claims.iss !== 'string' || !expected.issuers.includes(claims.iss)) throw new LoginRejected('iss_mismatch');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((aud) => aud === expected.clientId)) {
    throw new LoginRejected('aud_mismatch');
  }
  if (claims.azp !== undefined && claims.azp !== expected.clientId) throw new LoginRejected('azp_mismatch');
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS <= now) throw new LoginRejected('token_expired');
  if (
    typeof claims.iat !== 'number' ||
    claims.iat > now + CLOCK_SKEW_SECONDS ||
    claims.iat < now - MAX_ID_TOKEN_AGE_SECONDS - CLOCK_SKEW_SECONDS
  ) {
    throw new LoginRejected('iat_invalid');
  }
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + CLOCK_SKEW_SECONDS))
    throw new LoginRejected('token_not_yet_valid');
  if (typeof claims.nonce !== 'string' || claims.nonce !== expected.nonce) throw new LoginRejected('nonce_mismatch');
  // The Directory user id sign-in looks up: an email or a path-like value would name no one safely.
  if (!isGoogleUserId(claims.sub)) throw new LoginRejected('sub_missing');

  if (claims.email_verified !== true || typeof claims.email !== 'string' || !claims.email.includes('@'))
    throw new LoginRejected('email_unverified');
  if (claims.hd === undefined) throw new LoginRejected('hd_missing');
  if (typeof claims.hd !== 'string' || !expected.allowedDomains.includes(claims.hd.toLowerCase()))
    throw new LoginRejected('hd_not_allowed');
  if (emailDomain(claims.email) !== claims.hd.toLowerCase()) throw new LoginRejected('email_domain_mismatch');

  return {
    sub: claims.sub,
    email: claims.email.toLowerCase(),
    hd: claims.hd.toLowerCase(),
    ...optionalString('name', claims.name),
    ...optionalString('givenName', claims.given_name),
    ...optionalString('familyName', claims.family_name),
    ...optionalString('picture', claims.picture),
  };
}

function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

async function verifiedClaims(idToken: string, jwks: JwksCache): Promise<Record<string, unknown>> {
  let payload: Uint8Array;
  try {
    ({ payload } = await compactVerify(idToken, (header) => jwks.key(header), { algorithms: [ID_TOKEN_ALG] }));
  } catch (error) {
    if (error instanceof LoginRejected) throw error;
    if (error instanceof errors.JOSEAlgNotAllowed) throw new LoginRejected('alg_not_allowed');
    if (error instanceof errors.JWSSignatureVerificationFailed) throw new LoginRejected('signature_invalid');
    if (error instanceof errors.JOSEError) throw new LoginRejected('id_token_malformed', { cause: error });
    throw error; // the JWKS could not be fetched: not the token's fault
  }
  let claims: unknown;
  try {
    claims = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    throw new LoginRejected('id_token_malformed');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new LoginRejected('id_token_malformed');
  return claims as Record<string, unknown>;
}

function optionalString<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};
}
