import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../shared/adapters/clock/clock.js';
import type { Limits } from '../../local/emulator/limits.js';
import { minimumCalls, startSyncHarness, type SyncHarness } from '../support/sync.js';

const SMALL = { users: 60, groups: 25 } as const;

/**
 * Time shared by the emulator (quota windows) and the sync (backoff, Retry-After): a sleep moves
 * the clock forward to its wake-up instead of waiting, so a one-minute Retry-After costs nothing.
 * Concurrent sleeps overlap as they would in real time.
 */
function fastForwardClock(): Clock {
  let offset = 0;
  const now = () => Date.now() + offset;
  return {
    now,
    sleep: async (ms) => {
      offset = Math.max(offset, now() + Math.max(0, ms) - Date.now());
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

async function stormyRun(limits: Partial<Limits>) {
  const clock = fastForwardClock();
  const h = await startSyncHarness({ ...SMALL, now: clock.now, limits });
  try {
    const outcome = await h.sync({}, { clock });
    if (!('record' in outcome)) throw new Error(outcome.status);
    const served = Object.entries(h.emulator.counters())
      .filter(([method]) => method.startsWith('directory.'))
      .reduce((sum, [, n]) => sum + n, 0);
    return {
      record: outcome.record,
      items: comparable(await h.directoryItems(), h.emulator.origin),
      minimum: minimumCalls(h.emulator),
      served,
    };
  } finally {
    await h.close();
  }
}

/**
 * Items of two emulators' runs made comparable: photo URLs name each emulator's own origin, and the
 * content hash covers them, so the origin is replaced and the hash left out (the content it covers stays).
 */
function comparable(items: Map<string, Record<string, unknown>>, origin: string): Map<string, Record<string, unknown>> {
  return new Map(
    [...items].map(([key, item]) => {
      const { hash: _hash, ...content } = JSON.parse(JSON.stringify(item).replaceAll(origin, '<emulator>')) as Record<string, unknown>;
      return [key, content];
    }),
  );
}

describe('rate limits and server errors', () => {
  let clean: SyncHarness;
  let cleanItems: Awaited<ReturnType<SyncHarness['directoryItems']>>;
  beforeAll(async () => {
    clean = await startSyncHarness(SMALL);
    const outcome = await clean.sync();
    expect(outcome.status).toBe('succeeded');
    cleanItems = comparable(await clean.directoryItems(), clean.emulator.origin);
  });
  afterAll(() => clean.close());

  it('rides out a 403 userRateLimitExceeded storm and a 5xx burst to the same directory as a clean run', async () => {
    const { record, items, minimum, served } = await stormyRun({ userQuotaPerMinute: 8, errorRate: 0.2 });
    expect(record.status).toBe('succeeded');
    expect(record.retries).toBeGreaterThan(5);
    expect(record.apiCalls).toBe(minimum + record.retries);
    expect(served).toBe(record.apiCalls);
    expect(items).toEqual(cleanItems);
  });

  it('honours 429 rateLimitExceeded with Retry-After and ends the same', async () => {
    const { record, items, minimum, served } = await stormyRun({ tenantQuotaPerMinute: 10 });
    expect(record.status).toBe('succeeded');
    expect(record.retries).toBeGreaterThan(0);
    expect(record.apiCalls).toBe(minimum + record.retries);
    expect(served).toBe(record.apiCalls);
    expect(items).toEqual(cleanItems);
  });
});
