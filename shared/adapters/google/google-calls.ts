import { DelegatedTokenError, type CredentialStep } from './delegated-token.js';
import type { Clock } from '../clock/clock.js';
import type { RateLimiter } from '../../domain/sync/limiter.js';
import { DELEGATION_CONSOLE } from './scopes.js';

/** Why a run failed, in words a Workspace admin can act on. */
export type SyncErrorCode =
  | 'scope-not-delegated'
  | 'subject-rejected'
  | 'subject-not-admin'
  | 'key-rejected'
  | 'token-rejected'
  | 'clock-skew'
  /** A step of the keyless chain (AWS credentials, STS, signJwt) failed; the message names it and the fix. */
  | 'google-credentials'
  | 'google-request-rejected'
  | 'google-unavailable'
  | 'lease-lost';

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    readonly googleStatus?: number,
  ) {
    super(message);
  }
}

export interface CallStats {
  /** HTTP requests to the Directory API, retries included. */
  apiCalls: number;
  retries: number;
}

export interface RetryOptions {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly clock: Clock;
  /** Uniform in [0, 1): Math.random in production, seeded in tests. */
  readonly random: () => number;
  /** How long this invocation may still wait before it must hand over (Infinity when unbounded). */
  readonly timeLeftMs?: () => number;
}

/**
 * A retry would wait past the time the invocation has left: the call is given up, not failed; the
 * run hands over and the next invocation fetches that page again.
 */
export class OutOfTimeError extends Error {
  override name = 'OutOfTimeError';
}

export const DEFAULT_RETRY: Omit<RetryOptions, 'clock' | 'random'> = { maxAttempts: 8, baseDelayMs: 1_000, maxDelayMs: 32_000 };

/** What an error from Google (gaxios) says about retrying. */
export interface GoogleFailure {
  readonly status: number | undefined;
  /** `errors[0].reason` of an API error, or the OAuth `error` of a token error. */
  readonly reason: string | undefined;
  /** The reason of an ErrorInfo in the API error's details (ACCESS_TOKEN_SCOPE_INSUFFICIENT, …). */
  readonly errorInfoReason?: string | undefined;
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  readonly tokenError: boolean;
  /** Set when the delegated token could not be had: which step of the credential chain failed. */
  readonly credentialStep?: CredentialStep;
  readonly kind: 'rate-limit' | 'server' | 'network' | 'fatal';
}

const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'quotaExceeded']);

interface GaxiosLike {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

export function describeGoogleFailure(error: unknown, now: number): GoogleFailure {
  if (error instanceof DelegatedTokenError) {
    const { status, reason, step } = error;
    const kind =
      status === 429
        ? 'rate-limit'
        : status !== undefined && status >= 500
          ? 'server'
          : status === undefined && error.cause !== undefined
            ? 'network'
            : 'fatal';
    return { status, reason, message: error.message, retryAfterMs: undefined, tokenError: step === 'token', credentialStep: step, kind };
  }
  const e = (typeof error === 'object' && error !== null ? error : {}) as GaxiosLike;
  const status = e.response?.status ?? (typeof e.status === 'number' ? e.status : undefined);
  const data = (e.response?.data ?? {}) as { error?: unknown; error_description?: unknown };
  const apiError =
    typeof data.error === 'object' && data.error !== null
      ? (data.error as {
          message?: unknown;
          errors?: Array<{ reason?: unknown }>;
          details?: Array<{ '@type'?: unknown; reason?: unknown }>;
        })
      : undefined;
  const errorInfo = Array.isArray(apiError?.details)
    ? apiError.details.find((d) => String(d['@type']).endsWith('google.rpc.ErrorInfo'))
    : undefined;
  const tokenError = typeof data.error === 'string';
  const reason = tokenError
    ? String(data.error)
    : typeof apiError?.errors?.[0]?.reason === 'string'
      ? String(apiError.errors[0].reason)
      : undefined;
  const message = tokenError
    ? String(data.error_description ?? data.error)
    : typeof apiError?.message === 'string'
      ? apiError.message
      : String(e.message ?? error);
  const retryAfterMs = parseRetryAfter(headerValue(e.response?.headers, 'retry-after'), now);
  let kind: GoogleFailure['kind'] = 'fatal';
  if (status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))) kind = 'rate-limit';
  else if (status !== undefined && status >= 500) kind = 'server';
  else if (status === undefined && !(error instanceof SyncError)) kind = 'network';
  const errorInfoReason = typeof errorInfo?.reason === 'string' ? errorInfo.reason : undefined;
  return { status, reason, errorInfoReason, message, retryAfterMs, tokenError, kind };
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `now`. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^attempt)), never below Retry-After. */
export function backoffDelay(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(options.random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/**
 * Runs Directory API calls through the shared limiter and one retry policy: rate limits (403
 * userRateLimitExceeded/quotaExceeded/rateLimitExceeded, 429) pause every caller for the backoff or
 * Retry-After, 5xx and network failures back off alone, anything else fails the run with an
 * explanation. gaxios' own retry is off (`retry: false` on each request), so this is the only policy.
 */
export class GoogleCallRunner {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly options: RetryOptions,
    readonly stats: CallStats,
    private readonly subject: string,
  ) {}

  async call<T>(what: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.limiter.run(() => {
          this.stats.apiCalls += 1;
          return request();
        });
      } catch (error) {
        const failure = describeGoogleFailure(error, this.options.clock.now());
        if (failure.kind === 'fatal') throw explainFailure(failure, what, this.subject);
        if (attempt + 1 >= this.options.maxAttempts) {
          throw new SyncError(
            'google-unavailable',
            `Google kept failing ${what} after ${attempt + 1} attempts (last: ${failure.status ?? 'network error'} ${failure.reason ?? ''} ` +
              `${failure.message}). The next run resumes from the checkpoint.`,
          );
        }
        const delay = backoffDelay(attempt, this.options, failure.retryAfterMs);
        // Waiting into the invocation's reserve (8 attempts can add up to minutes) could end in a hard
        // timeout with nothing checkpointed; handing over keeps the pages fetched so far.
        if (delay > (this.options.timeLeftMs?.() ?? Number.POSITIVE_INFINITY)) {
          throw new OutOfTimeError(
            `Retrying ${what} in ${delay} ms would run past this invocation's time; the next invocation retries it.`,
          );
        }
        this.stats.retries += 1;
        if (failure.kind === 'rate-limit') this.limiter.pauseUntil(this.options.clock.now() + delay);
        await this.options.clock.sleep(delay);
      }
    }
  }
}

/** Turns a non-retryable answer from Google into a message that names the cause and the fix. */
export function explainFailure(failure: GoogleFailure, what: string, subject: string): SyncError {
  const { status, reason, message } = failure;
  const delegationAnswer = failure.credentialStep === 'token' && (reason === 'unauthorized_client' || reason === 'invalid_grant');
  if (failure.credentialStep && !delegationAnswer) return new SyncError('google-credentials', message, status);
  if (failure.tokenError) return explainTokenFailure(failure, subject);
  if (status === 401) {
    return new SyncError(
      'token-rejected',
      `Google did not accept the access token for ${what} (401 ${reason ?? ''}: ${message}): it expired or was revoked, or another token ` +
        `endpoint issued it than the API answering (the key's token_uri and GOOGLE_API_ROOT must be the same Google; locally, ` +
        `the same emulator: GOOGLE_EMULATOR_PORT).`,
      status,
    );
  }
  if (
    status === 403 &&
    (failure.errorInfoReason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' || reason === 'insufficientPermissions' || /scope/i.test(message))
  ) {
    return new SyncError(
      'scope-not-delegated',
      `Google refused ${what}: the token lacks a scope (${message}). Add the sync's scopes in ${DELEGATION_CONSOLE}.`,
      status,
    );
  }
  if (status === 403) {
    return new SyncError(
      'subject-not-admin',
      `Google refused ${what} for ${subject} (${status} ${reason ?? ''}: ${message}): the impersonated user must be an admin who may read ` +
        `users and groups (Admin console > Account > Admin roles).`,
      status,
    );
  }
  return new SyncError(
    'google-request-rejected',
    `Google rejected ${what} (${status ?? 'no status'} ${reason ?? ''}: ${message}).`,
    status,
  );
}

/** The token endpoint's OAuth errors (RFC 6749 §5.2), each as Google means it for a delegated service account. */
function explainTokenFailure({ reason, message }: GoogleFailure, subject: string): SyncError {
  if (reason === 'unauthorized_client') {
    return new SyncError(
      'scope-not-delegated',
      `Google refused a token for ${subject} (unauthorized_client): domain-wide delegation is not granted to the service account's client id ` +
        `for one or more of the sync's scopes. Add them in ${DELEGATION_CONSOLE}; \`npm run sync -- --check\` names each missing scope.`,
    );
  }
  if (reason === 'invalid_grant' && /email or user id/i.test(message)) {
    return new SyncError(
      'subject-rejected',
      `Google refused to impersonate ${subject} (${message}): GOOGLE_ADMIN_SUBJECT must be the primary email of an existing, ` +
        `active admin of the Workspace tenant.`,
    );
  }
  if (reason === 'invalid_grant' && /timeframe|short-lived|\biat\b|\bexp\b/i.test(message)) {
    return new SyncError(
      'clock-skew',
      `Google refused the signed token request (${message}): this machine's clock is off by more than a few minutes; synchronise it (NTP).`,
    );
  }
  if (reason === 'invalid_grant' && /signature|account not found/i.test(message)) {
    return new SyncError(
      'key-rejected',
      `Google refused the service-account key (${message}): the key was deleted or disabled, or belongs to another service account. Store ` +
        `a current key of the service account in the secret.`,
    );
  }
  if (reason === 'invalid_grant') {
    return new SyncError(
      'subject-rejected',
      `Google refused to impersonate ${subject} (${message}): GOOGLE_ADMIN_SUBJECT must be an existing, active admin of the Workspace ` +
        `tenant, and the key must not be deleted or disabled.`,
    );
  }
  return new SyncError(
    'key-rejected',
    `Google refused the service-account key (${reason}: ${message}): store a current key of the service account in the secret.`,
  );
}
