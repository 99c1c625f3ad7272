import type { Clock } from '../clock.js';

export interface RateLimiterOptions {
  /** Requests allowed per minute (already with headroom below the tenant's quota). */
  readonly perMinute: number;
  /** Requests that may start back to back before spacing applies. */
  readonly burst: number;
  /** Requests in flight at once. */
  readonly maxConcurrent: number;
  readonly clock: Clock;
}

/**
 * The one limiter every Directory API call of a run goes through: a generic cell rate algorithm
 * (requests spaced 60,000/perMinute ms apart, `burst` may start together) plus a concurrency cap.
 * `pauseUntil` stops every caller, for a tenant-wide Retry-After.
 */
export class RateLimiter {
  private readonly interval: number;
  private readonly tolerance: number;
  /** Theoretical arrival time of the next request (GCRA). */
  private nextAt = 0;
  private pausedUntil = 0;
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1) || !(options.maxConcurrent >= 1))
      throw new RangeError('RateLimiter needs perMinute > 0, burst >= 1, maxConcurrent >= 1.');
    this.interval = 60_000 / options.perMinute;
    this.tolerance = (options.burst - 1) * this.interval;
  }

  /** Runs `call` once a slot and a rate token are free. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.enter();
    try {
      await this.takeToken();
      return await call();
    } finally {
      this.leave();
    }
  }

  /** Holds every caller until `time` (epoch ms): a Retry-After applies to the whole tenant. */
  pauseUntil(time: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, time);
  }

  private async takeToken(): Promise<void> {
    const { clock } = this.options;
    for (;;) {
      const now = clock.now();
      const allowedAt = Math.max(this.nextAt - this.tolerance, this.pausedUntil);
      if (now >= allowedAt) {
        this.nextAt = Math.max(this.nextAt, now) + this.interval;
        return;
      }
      await clock.sleep(allowedAt - now);
    }
  }

  private async enter(): Promise<void> {
    if (this.active < this.options.maxConcurrent) {
      this.active += 1;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private leave(): void {
    const next = this.queue.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active -= 1;
  }
}
