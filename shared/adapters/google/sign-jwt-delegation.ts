/**
 * The one step of keyless domain-wide delegation no Google library does: with a federated token
 * (from Workload Identity Federation), ask the IAM Credentials API to sign the delegation
 * assertion as the service account (`signJwt`), then exchange that assertion at Google's token
 * endpoint (JWT-bearer grant, RFC 7523) for an access token impersonating the admin subject.
 * google-auth-library's impersonation (`generateAccessToken`) cannot carry a `sub`, so it cannot
 * produce a delegated token; this does what JWT does with a key, with Google holding the key.
 */
import { GOOGLE_TOKEN_URL } from './service-account-client.js';
import { DelegatedTokenError, type DelegatedToken } from './delegated-token.js';

export interface SignJwtDelegationOptions {
  /** The service account's email; the federated principal needs iam.serviceAccounts.signJwt on it. */
  readonly serviceAccount: string;
  /** The Workspace user to impersonate. */
  readonly subject: string;
  /** Root of the IAM Credentials API, ending in `/`. */
  readonly iamCredentialsRoot: string;
  /** Where the assertion is exchanged (Google's token endpoint, or the emulator's). */
  readonly oauthTokenUrl: string;
  /** Who domain-wide delegation is granted to, for the message when it is not. */
  readonly delegationClient: string;
  readonly now?: () => number;
}

/** Google refuses assertions that live longer than an hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;
const REQUEST_TIMEOUT_MS = 15_000;
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export async function delegatedTokenBySignJwt(
  federatedToken: string,
  scopes: readonly string[],
  options: SignJwtDelegationOptions,
): Promise<DelegatedToken> {
  const assertion = await signDelegationAssertion(federatedToken, scopes, options);
  return exchangeAssertion(assertion, scopes, options, options.now ?? Date.now);
}

/** The assertion JWT wants `{iss, sub, scope, aud, iat, exp}`; signJwt signs it with a key Google holds for the service account. */
export async function signDelegationAssertion(
  federatedToken: string,
  scopes: readonly string[],
  options: SignJwtDelegationOptions,
): Promise<string> {
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  // The audience is Google's token URL whatever endpoint receives it: Google checks exactly that value.
  const payload = {
    iss: options.serviceAccount,
    sub: options.subject,
    scope: scopes.join(' '),
    aud: GOOGLE_TOKEN_URL,
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  };
  return signJwt(federatedToken, payload, options);
}

async function signJwt(federatedToken: string, payload: object, options: SignJwtDelegationOptions): Promise<string> {
  const url = `${options.iamCredentialsRoot}v1/projects/-/serviceAccounts/${encodeURIComponent(options.serviceAccount)}:signJwt`;
  const response = await post('sign-jwt', url, {
    headers: { authorization: `Bearer ${federatedToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ payload: JSON.stringify(payload) }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    signedJwt?: unknown;
    error?: { message?: unknown; status?: unknown; details?: Array<{ reason?: unknown }> };
  };
  if (response.ok && typeof body.signedJwt === 'string') return body.signedJwt;
  const message = typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`;
  const reason =
    (body.error?.details?.find((d) => typeof d.reason === 'string')?.reason as string | undefined) ??
    (typeof body.error?.status === 'string' ? body.error.status : undefined);
  throw new DelegatedTokenError(
    'sign-jwt',
    explainSignJwtFailure(response.status, reason, message, options.serviceAccount),
    reason,
    response.status,
  );
}

function explainSignJwtFailure(status: number, reason: string | undefined, message: string, serviceAccount: string): string {
  const project = /@([^.]+)\.iam\.gserviceaccount\.com$/.exec(serviceAccount)?.[1] ?? '<project of the service account>';
  const prefix = `IAM Credentials refused to sign the delegation assertion as ${serviceAccount} (${status} ${reason ?? ''}: ${message}).`;
  if (reason === 'SERVICE_DISABLED' || /has not been used|is disabled/i.test(message)) {
    return `${prefix} The IAM Service Account Credentials API is not enabled: gcloud services enable iamcredentials.googleapis.com --project=${project}.`;
  }
  if (status === 403) {
    return (
      `${prefix} The sync's federated identity lacks iam.serviceAccounts.signJwt on the service account: grant it roles/iam.serviceAccountTokenCreator ` +
      '(gcloud iam service-accounts add-iam-policy-binding … --role=roles/iam.serviceAccountTokenCreator ' +
      '--member=principalSet://iam.googleapis.com/<pool>/attribute.aws_role/<sync role ARN>).'
    );
  }
  if (status === 404) return `${prefix} No such service account: check GOOGLE_SERVICE_ACCOUNT (-c googleServiceAccount).`;
  if (status === 401) return `${prefix} The federated token was not accepted; run the preflight again (npm run sync -- --check).`;
  return prefix;
}

async function exchangeAssertion(
  assertion: string,
  scopes: readonly string[],
  options: SignJwtDelegationOptions,
  now: () => number,
): Promise<DelegatedToken> {
  const response = await post('token', options.oauthTokenUrl, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
    error_description?: unknown;
  };
  if (response.ok && typeof body.access_token === 'string') {
    const lifetimeSeconds = typeof body.expires_in === 'number' ? body.expires_in : ASSERTION_LIFETIME_SECONDS;
    return { accessToken: body.access_token, expiresAt: now() + lifetimeSeconds * 1000 };
  }
  const reason = typeof body.error === 'string' ? body.error : undefined;
  const description = typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
  let message = `Google's token endpoint refused the signed assertion for ${options.subject} (${reason ?? response.status}: ${description}).`;
  if (reason === 'unauthorized_client') {
    message +=
      ` Domain-wide delegation is not granted for ${options.delegationClient} with the scopes ${scopes.join(', ')}: add them in the ` +
      `Admin console (Security > Access and data control > API controls > Domain-wide delegation).`;
  } else if (reason === 'invalid_grant') {
    message += ' GOOGLE_ADMIN_SUBJECT must be an existing, active admin of the Workspace tenant.';
  }
  throw new DelegatedTokenError('token', message, reason, response.status);
}

/** A request that fails before Google answers is reported as that step's failure too. */
async function post(step: 'sign-jwt' | 'token', url: string, init: { headers: Record<string, string>; body: string }): Promise<Response> {
  try {
    return await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new DelegatedTokenError(
      step,
      `Could not reach ${new URL(url).origin} (${error instanceof Error ? error.message : String(error)}).`,
      undefined,
      undefined,
      { cause: error },
    );
  }
}
