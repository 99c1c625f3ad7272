import type { Clock } from '../../domain/clock.js';

export type { Clock };

/** The real clock, for the Clock the domain names. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
