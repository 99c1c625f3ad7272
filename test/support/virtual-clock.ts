import type { Clock } from '../../shared/adapters/clock/clock.js';

/**
 * Virtual time for the limiter and backoff: sleeping never waits; once every task is asleep
 * (nothing else queued), time jumps to the earliest wake-up.
 */
export class VirtualClock implements Clock {
  private time = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];
  private scheduled = false;

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.timers.push({ at: this.time + Math.max(0, ms), wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.timers.length === 0) return;
      this.time = Math.max(this.time, Math.min(...this.timers.map((t) => t.at)));
      const due = this.timers.filter((t) => t.at <= this.time);
      this.timers = this.timers.filter((t) => t.at > this.time);
      due.forEach((t) => t.wake());
      if (this.timers.length > 0) this.schedule();
    });
  }
}
