import { request } from 'node:http';
import type { GaxiosError } from 'gaxios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator/emulator.js';
import { NO_LIMITS } from '../../local/emulator/limits.js';
import { emulatorOptionsFromEnv } from '../../local/emulator/env.js';
import { describeEmulator } from '../../local/emulator/describe.js';
import { directoryClient, startTestEmulator, googleFailure as failure } from '../support/emulator.js';

let emulator: Emulator;
// Near the real time (assertions are signed with it), 10 s into a minute; tests move it by whole minutes.
let clock = Math.floor(Date.now() / 60_000) * 60_000 + 10_000;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 40, groups: 5, now: () => clock });
});
afterAll(() => emulator.stop());
beforeEach(() => {
  emulator.setLimits(NO_LIMITS);
  emulator.resetCounters();
});

const reason = (error: GaxiosError) =>
  (error.response?.data as { error: { errors: Array<{ reason: string; domain: string }>; status: string } }).error;

describe('limits and faults', () => {
  it('answers 403 userRateLimitExceeded with Retry-After past the per-user quota, until the minute turns', async () => {
    const directory = await directoryClient(emulator);
    emulator.setLimits({ userQuotaPerMinute: 3 });
    for (let i = 0; i < 3; i++) await directory.users.list({ customer: 'my_customer', maxResults: 1 });
    const error = await failure(directory.users.list({ customer: 'my_customer', maxResults: 1 }));
    expect(error.status).toBe(403);
    expect(reason(error)).toMatchObject({
      status: 'PERMISSION_DENIED',
      errors: [{ reason: 'userRateLimitExceeded', domain: 'usageLimits' }],
    });
    expect(error.response?.headers.get('retry-after')).toBe('50');
    clock += 60_000;
    expect((await directory.users.list({ customer: 'my_customer', maxResults: 1 })).status).toBe(200);
  });

  it('answers 429 rateLimitExceeded past the per-tenant quota, whoever asks; the token endpoint stays open', async () => {
    emulator.setLimits({ tenantQuotaPerMinute: 2 });
    clock += 60_000;
    const admin = await directoryClient(emulator);
    await admin.users.list({ customer: 'my_customer', maxResults: 1 });
    await admin.groups.list({ customer: 'my_customer', maxResults: 1 });
    const again = await directoryClient(emulator); // a fresh token: the token endpoint is not limited
    const error = await failure(again.domains.list({ customer: 'my_customer' }));
    expect(error.status).toBe(429);
    expect(reason(error)).toMatchObject({ status: 'RESOURCE_EXHAUSTED', errors: [{ reason: 'rateLimitExceeded' }] });
    expect(Number(error.response?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('fails the configured share of API calls with 500 or 503 backendError', async () => {
    const directory = await directoryClient(emulator);
    emulator.setLimits({ errorRate: 1 });
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const error = await failure(directory.users.list({ customer: 'my_customer', maxResults: 1 }));
      expect(reason(error).errors[0]!.reason).toBe('backendError');
      statuses.add(error.status!);
    }
    expect([...statuses].sort()).toEqual([500, 503]);
    emulator.setLimits({ errorRate: 0.5 });
    let failed = 0;
    for (let i = 0; i < 40; i++)
      failed += await directory.users.list({ customer: 'my_customer', maxResults: 1 }).then(
        () => 0,
        () => 1,
      );
    expect(failed).toBeGreaterThan(5);
    expect(failed).toBeLessThan(35);
  });

  it('adds the configured latency', async () => {
    const directory = await directoryClient(emulator);
    await directory.users.list({ customer: 'my_customer', maxResults: 1 });
    emulator.setLimits({ latencyMs: 60 });
    const started = performance.now();
    await directory.users.list({ customer: 'my_customer', maxResults: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(59);
  });

  it('counts requests per method, and changes limits through the admin endpoint', async () => {
    const directory = await directoryClient(emulator);
    await directory.users.list({ customer: 'my_customer', maxResults: 1 });
    await directory.users.list({ customer: 'my_customer', maxResults: 1 });
    await directory.groups.list({ customer: 'my_customer' });
    expect(emulator.counters()).toMatchObject({ 'directory.users.list': 2, 'directory.groups.list': 1, 'oauth2.token': 1 });
    const overHttp = (await (await fetch(`${emulator.origin}/__emulator/counters`)).json()) as Record<string, number>;
    expect(overHttp['directory.users.list']).toBe(2);
    const put = (body: unknown) =>
      fetch(`${emulator.origin}/__emulator/limits`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(await (await put({ userQuotaPerMinute: 1 })).json()).toMatchObject({ userQuotaPerMinute: 1, errorRate: 0 });
    expect(emulator.limits().userQuotaPerMinute).toBe(1);
    const bad = await put({ errorRate: 2 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 400, message: 'errorRate must be a number from 0 to 1.' } });
    await fetch(`${emulator.origin}/__emulator/counters`, { method: 'DELETE' });
    expect(emulator.counters()).toEqual({});
    // Not for web pages: no CORS on the admin API, so another origin can neither preflight nor read it.
    const preflight = await fetch(`${emulator.origin}/__emulator/limits`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const read = await fetch(`${emulator.origin}/__emulator/issued-tokens`, { headers: { origin: 'https://evil.example.net' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
    const rebound = await new Promise<number>((ok, fail) => {
      const url = new URL('/__emulator/issued-tokens', emulator.origin);
      request(url, { headers: { host: 'evil.example.net' } }, (res) => {
        res.resume();
        ok(res.statusCode!);
      })
        .on('error', fail)
        .end();
    });
    expect(rebound).toBe(403);
  });

  it('prints the admin, demo users and the limits in force at start', () => {
    emulator.setLimits({ userQuotaPerMinute: 2400, latencyMs: 5 });
    const lines = describeEmulator(emulator);
    expect(lines).toContain('  admin: ada@example.com');
    expect(lines.find((l) => l.startsWith('  demo users: '))).toMatch(/@example\.com .*@example\.org/);
    expect(lines.find((l) => l.includes('limits'))).toBe('  limits          latency 5 ms, 2400/min per user (403)');
  });

  it('reads limits from GOOGLE_EMULATOR_* keys, naming a bad key in one line', () => {
    expect(
      emulatorOptionsFromEnv({
        GOOGLE_EMULATOR_QUOTA_PER_MINUTE: '2400/12000',
        GOOGLE_EMULATOR_LATENCY_MS: '25',
        GOOGLE_EMULATOR_ERROR_RATE: '0.05',
      }).limits,
    ).toEqual({ latencyMs: 25, userQuotaPerMinute: 2400, tenantQuotaPerMinute: 12000, errorRate: 0.05 });
    expect(emulatorOptionsFromEnv({})).toMatchObject({ port: 4000, users: 200, groups: 30, seed: 'workspace-bridge', limits: NO_LIMITS });
    expect(() => emulatorOptionsFromEnv({ GOOGLE_EMULATOR_USERS: '100001' })).toThrow(
      /^Configuration key GOOGLE_EMULATOR_USERS is invalid/,
    );
    expect(() => emulatorOptionsFromEnv({ GOOGLE_EMULATOR_ERROR_RATE: '5%' })).toThrow(/GOOGLE_EMULATOR_ERROR_RATE/);
    expect(() => emulatorOptionsFromEnv({ GOOGLE_EMULATOR_QUOTA_PER_MINUTE: 'lots' })).toThrow(/GOOGLE_EMULATOR_QUOTA_PER_MINUTE/);
  });
});
