import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../shared/domain/sync/limiter.js';
import { VirtualClock } from '../../support/virtual-clock.js';

describe('rate limiter', () => {
  it('spaces calls at the configured rate after the burst', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 600, burst: 3, maxConcurrent: 100, clock });
    const starts: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        limiter.run(async () => {
          starts.push(clock.now());
        }),
      ),
    );
    // 600/min = one per 100 ms; a burst of 3 may start at once.
    expect(starts).toEqual([0, 0, 0, 100, 200, 300, 400, 500]);
  });

  it('never runs more than maxConcurrent calls at once', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 60_000, burst: 100, maxConcurrent: 3, clock });
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await clock.sleep(1_000);
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(clock.now()).toBe(4_000);
  });

  it('holds every caller until a pause (Retry-After) ends', async () => {
    const clock = new VirtualClock();
    const limiter = new RateLimiter({ perMinute: 6_000, burst: 1, maxConcurrent: 10, clock });
    await limiter.run(async () => undefined);
    limiter.pauseUntil(5_000);
    const starts: number[] = [];
    await Promise.all(
      [1, 2].map(() =>
        limiter.run(async () => {
          starts.push(clock.now());
        }),
      ),
    );
    expect(starts).toEqual([5_000, 5_010]);
  });
});
