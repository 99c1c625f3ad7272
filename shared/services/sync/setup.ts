import { delegatedAuthClient } from '../../adapters/google/delegated-token.js';
import { syncTokenSource } from '../../adapters/google/credentials.js';
import type { SessionTerminator } from '../../adapters/dynamodb/sync-apply.js';
import type { SyncDependencies } from './dependencies.js';
import { systemClock, type Clock } from '../../adapters/clock/clock.js';
import { GoogleDirectorySource } from '../../adapters/google/directory-source.js';
import { DEFAULT_RETRY, GoogleCallRunner, type CallStats, type RetryOptions } from '../../adapters/google/google-calls.js';
import { RateLimiter } from '../../domain/sync/limiter.js';
import { describeMissingScopes } from '../../adapters/google/preflight.js';
import type { SyncEnvironment, SyncOptions } from './run.js';
import { SYNC_SCOPE_URLS } from '../../adapters/google/scopes.js';

/** The limiter runs below the quota: other tools of the tenant share it, and Google's minute is not ours. */
export const QUOTA_HEADROOM = 0.9;
/** Google calls (and DynamoDB steps) in flight at once; the limiter, not this, sets the pace. */
export const SYNC_CONCURRENCY = 32;
/** A run stops and checkpoints when an invocation has less than this left. */
export const LAMBDA_RESERVE_MS = 90_000;
/**
 * Renewed every third of it. Short on purpose: after a crash or timeout Lambda retries the event
 * about a minute later, and the dead invocation's lease must have expired by then, or the retry
 * ends 'skipped' and the run waits for the next schedule.
 */
export const LEASE_DURATION_MS = 45_000;

export interface SyncWiring {
  readonly sessions: SessionTerminator;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Overrides for tests and the benchmark (e.g. faster backoff). */
  readonly retry?: Partial<Omit<RetryOptions, 'clock' | 'random' | 'timeLeftMs'>>;
  /** How long the invocation may still spend before it must hand over: no retry waits past it. */
  readonly timeLeftMs?: () => number;
}

/**
 * Builds one invocation's sync environment from the process dependencies: the delegated-token
 * source of the credential mode (the key from the secret store, or the keyless chain), a client
 * impersonating GOOGLE_ADMIN_SUBJECT with exactly the read-only scopes, Google's Directory client
 * at GOOGLE_API_ROOT, and one limiter for every call.
 */
export async function createSyncEnvironment(deps: SyncDependencies, wiring: SyncWiring): Promise<SyncEnvironment> {
  const { config } = deps;
  const clock = wiring.clock ?? systemClock;
  const tokens = await syncTokenSource(deps);
  const subject = config.googleAdminSubject;
  const callStats: CallStats = { apiCalls: 0, retries: 0 };
  const perMinute = config.sync.quotaPerMinute * QUOTA_HEADROOM;
  const limiter = new RateLimiter({ perMinute, burst: Math.max(1, Math.round(perMinute / 60)), maxConcurrent: SYNC_CONCURRENCY, clock });
  const runner = new GoogleCallRunner(
    limiter,
    { ...DEFAULT_RETRY, ...wiring.retry, clock, random: wiring.random ?? Math.random, timeLeftMs: wiring.timeLeftMs },
    callStats,
    subject,
  );
  return {
    db: deps.db,
    tableName: config.tableName,
    source: new GoogleDirectorySource(delegatedAuthClient(tokens, SYNC_SCOPE_URLS), config.googleApiRoot, runner),
    callStats,
    sessions: wiring.sessions,
    clock,
    diagnoseDelegation: () => describeMissingScopes(tokens, subject),
  };
}

/** Run options from configuration; `remainingMs` and the invocation id come from the caller. */
export function syncOptions(
  deps: SyncDependencies,
  options: Pick<SyncOptions, 'invocationId' | 'remainingMs'> & Partial<SyncOptions>,
): SyncOptions {
  return {
    maxDeleteShare: deps.config.sync.maxDeleteShare,
    concurrency: SYNC_CONCURRENCY,
    checkpointIntervalMs: deps.config.sync.checkpointSeconds * 1000,
    leaseDurationMs: LEASE_DURATION_MS,
    reserveMs: LAMBDA_RESERVE_MS,
    ...options,
  };
}
