import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  describeGoogleFailure,
  GoogleCallRunner,
  OutOfTimeError,
  parseRetryAfter,
  SyncError,
} from '../../../shared/adapters/google/google-calls.js';
import { RateLimiter } from '../../../shared/domain/sync/limiter.js';
import { VirtualClock } from '../../support/virtual-clock.js';

/** The shape gaxios gives a failed request: status, headers, Google's JSON error body. */
function googleError(status: number, reason: string | undefined, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`Request failed with status ${status}`), {
    status,
    response: {
      status,
      headers: new Headers(headers),
      data: { error: { code: status, message: `${reason ?? 'error'} message`, errors: reason ? [{ reason }] : [] } },
    },
  });
}

function runner(clock: VirtualClock, maxAttempts = 5, timeLeftMs?: () => number) {
  const limiter = new RateLimiter({ perMinute: 60_000, burst: 100, maxConcurrent: 10, clock });
  const stats = { apiCalls: 0, retries: 0 };
  return {
    stats,
    limiter,
    runner: new GoogleCallRunner(
      limiter,
      { maxAttempts, baseDelayMs: 1_000, maxDelayMs: 32_000, clock, random: () => 0.5, timeLeftMs },
      stats,
      'ada@example.com',
    ),
  };
}

/** A request that fails with the given errors first, then answers 'ok'. */
function failingThen(errors: unknown[]) {
  let calls = 0;
  return async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'ok';
  };
}

describe('Google call policy', () => {
  it('classifies rate limits, server errors and fatal answers', () => {
    expect(describeGoogleFailure(googleError(403, 'userRateLimitExceeded'), 0).kind).toBe('rate-limit');
    expect(describeGoogleFailure(googleError(403, 'quotaExceeded'), 0).kind).toBe('rate-limit');
    expect(describeGoogleFailure(googleError(429, 'rateLimitExceeded', { 'retry-after': '7' }), 0)).toMatchObject({
      kind: 'rate-limit',
      retryAfterMs: 7_000,
    });
    expect(describeGoogleFailure(googleError(503, 'backendError'), 0).kind).toBe('server');
    expect(describeGoogleFailure(googleError(403, 'forbidden'), 0).kind).toBe('fatal');
    expect(describeGoogleFailure(googleError(400, 'invalid'), 0).kind).toBe('fatal');
    expect(describeGoogleFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 0).kind).toBe('network');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });

  it('backs off with full jitter under a cap, never below Retry-After', () => {
    const options = { baseDelayMs: 1_000, maxDelayMs: 8_000 };
    expect(backoffDelay(0, { ...options, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(3, { ...options, random: () => 0.999 })).toBe(7_992);
    expect(backoffDelay(10, { ...options, random: () => 0.5 })).toBe(4_000);
    expect(backoffDelay(0, { ...options, random: () => 0 }, 5_000)).toBe(5_000);
  });

  it("gives a call up, without waiting, when the backoff would run past the invocation's time", async () => {
    const clock = new VirtualClock();
    // 3 s left; the first backoff is 500 ms, the second 1 s, the third 2 s (random 0.5): 3.5 s in all.
    let left = 3_000;
    const { runner: r, stats } = runner(clock, 8, () => left - clock.now());
    const call = r.call(
      'members.list',
      failingThen([googleError(503, undefined), googleError(503, undefined), googleError(503, undefined), googleError(503, undefined)]),
    );
    await expect(call).rejects.toThrow(OutOfTimeError);
    expect(stats).toEqual({ apiCalls: 3, retries: 2 });
    expect(clock.now()).toBe(1_500);
    // A Retry-After longer than the time left is not waited for either.
    left = clock.now() + 5_000;
    await expect(r.call('users.list', failingThen([googleError(429, 'rateLimitExceeded', { 'retry-after': '6' })]))).rejects.toThrow(
      /past this invocation's time/,
    );
    expect(clock.now()).toBe(1_500);
  });

  it('retries rate limits and 5xx, honouring Retry-After for every caller', async () => {
    const clock = new VirtualClock();
    const { runner: r, stats } = runner(clock);
    const result = await r.call(
      'users.list',
      failingThen([
        googleError(429, 'rateLimitExceeded', { 'retry-after': '10' }),
        googleError(403, 'userRateLimitExceeded'),
        googleError(502, undefined),
      ]),
    );
    expect(result).toBe('ok');
    expect(stats).toEqual({ apiCalls: 4, retries: 3 });
    // 10 s Retry-After, then jittered 1 s (attempt 1: 0.5·2 s) and 2 s (attempt 2: 0.5·4 s).
    expect(clock.now()).toBe(10_000 + 1_000 + 2_000);
  });

  it('fails at once, with an explanation, on a non-retryable answer', async () => {
    const clock = new VirtualClock();
    const { runner: r, stats } = runner(clock);
    const error = await r.call('users.list', failingThen([googleError(403, 'forbidden')])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe('subject-not-admin');
    expect((error as SyncError).message).toMatch(/ada@example\.com.*admin/);
    expect(stats).toEqual({ apiCalls: 1, retries: 0 });
  });

  it('names the delegation page when Google refuses a token for a scope', async () => {
    const clock = new VirtualClock();
    const { runner: r } = runner(clock);
    const tokenError = Object.assign(new Error('unauthorized_client'), {
      status: 401,
      response: {
        status: 401,
        headers: new Headers(),
        data: { error: 'unauthorized_client', error_description: 'Client is unauthorized to retrieve access tokens using this method.' },
      },
    });
    const error = (await r.call('users.list', failingThen([tokenError])).catch((e: unknown) => e)) as SyncError;
    expect(error.code).toBe('scope-not-delegated');
    expect(error.message).toContain('https://admin.google.com/ac/owl/domainwidedelegation');
  });

  it("says the clock is off when Google refuses the assertion's iat/exp", async () => {
    const { runner: r } = runner(new VirtualClock());
    const description =
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
    const tokenError = Object.assign(new Error('invalid_grant'), {
      status: 400,
      response: { status: 400, headers: new Headers(), data: { error: 'invalid_grant', error_description: description } },
    });
    const error = (await r.call('users.list', failingThen([tokenError])).catch((e: unknown) => e)) as SyncError;
    expect(error.code).toBe('clock-skew');
    expect(error.message).toMatch(/clock/);
  });

  it('gives up after maxAttempts and says the next run resumes', async () => {
    const clock = new VirtualClock();
    const { runner: r, stats } = runner(clock, 3);
    const error = (await r
      .call('members.list', failingThen([googleError(500, undefined), googleError(500, undefined), googleError(500, undefined)]))
      .catch((e: unknown) => e)) as SyncError;
    expect(error.code).toBe('google-unavailable');
    expect(error.message).toMatch(/after 3 attempts.*resumes/);
    expect(stats).toEqual({ apiCalls: 3, retries: 2 });
  });
});
