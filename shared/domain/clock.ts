/** Time as the domain sees it: injected so the limiter and backoff are tested without real waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}
