/**
 * Why a sign-in was refused. Every refusal has a precise reason code: it is logged (never with a
 * token) and shown on the friendly page as a reference, so support can tell "your account is
 * suspended" from "someone replayed a code" without seeing anything secret.
 */
export const LOGIN_REASONS = {
  // The browser's login transaction (CSRF protection).
  return_to_invalid: 'The link asked to return to an address outside the intranet.',
  state_missing: 'The answer from Google did not say which sign-in it belongs to.',
  state_mismatch: 'The answer from Google belongs to a sign-in this browser did not start.',
  state_invalid: 'The answer from Google named its sign-in in a form this intranet never issues.',
  transaction_missing: 'This browser has no sign-in in progress (it may have expired, or cookies are blocked).',
  transaction_expired: 'The sign-in took too long and expired.',
  transaction_invalid: 'The sign-in data in this browser was damaged or altered.',
  // The authorization response and the token exchange.
  provider_error: 'Google did not complete the sign-in.',
  iss_param_mismatch: 'The answer claimed to come from a different identity provider.',
  code_missing: 'The answer from Google carried no authorization code.',
  code_rejected: 'Google refused to finish the sign-in (the code was already used or has expired).',
  token_response_invalid: 'Google answered the sign-in in an unexpected way.',
  id_token_missing: 'Google did not say who signed in.',
  // The ID token.
  id_token_malformed: 'The identity token is malformed.',
  alg_not_allowed: 'The identity token is signed with an algorithm we do not accept.',
  kid_unknown: 'The identity token is signed with a key Google does not publish.',
  kid_ambiguous: "The identity token does not say which of Google's keys signed it.",
  signature_invalid: "The identity token's signature is not valid.",
  iss_mismatch: 'The identity token comes from an issuer we do not trust.',
  aud_mismatch: 'The identity token was issued to another application.',
  azp_mismatch: 'The identity token was requested by another application.',
  token_expired: 'The identity token has expired or carries no expiry time.',
  iat_invalid: "The identity token's issue time is missing or implausible.",
  token_not_yet_valid: 'The identity token is not valid yet (its "not before" time is in the future).',
  nonce_mismatch: 'The identity token does not belong to this sign-in.',
  sub_missing: 'The identity token does not name the user.',
  // Who signed in.
  hd_missing: 'You signed in with a personal Google account.',
  hd_not_allowed: 'You signed in with an account of an organisation that does not use this intranet.',
  email_domain_mismatch: "The email address of this account is not in your organisation's domain.",
  email_unverified: 'Google has not verified the email address of this account.',
  user_unknown: "Google's directory does not list your account for this intranet.",
  account_setup_busy: 'Many new accounts are being set up right now.',
  account_suspended: 'Your account is suspended.',
  account_archived: 'Your account is archived.',
  account_deleted: 'Your account has been deleted.',
} as const;

export type LoginReason = keyof typeof LOGIN_REASONS;

/** Refusals that are about who the user is (403) rather than a broken or forged exchange (400). */
const ACCOUNT_REASONS: ReadonlySet<LoginReason> = new Set([
  'hd_missing',
  'hd_not_allowed',
  'email_domain_mismatch',
  'email_unverified',
  'user_unknown',
  'account_setup_busy',
  'account_suspended',
  'account_archived',
  'account_deleted',
]);

export class LoginRejected extends Error {
  override name = 'LoginRejected';
  readonly status: 400 | 403;
  constructor(
    readonly reason: LoginReason,
    options?: { cause?: unknown },
  ) {
    super(LOGIN_REASONS[reason], options);
    this.status = ACCOUNT_REASONS.has(reason) ? 403 : 400;
  }
}
