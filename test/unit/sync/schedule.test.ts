import { describe, expect, it } from 'vitest';
import { rateMs } from '../../../local/sync-schedule.js';

describe('local sync schedule', () => {
  it('reads EventBridge rate expressions and leaves cron to the default', () => {
    expect(rateMs('rate(15 minutes)')).toBe(900_000);
    expect(rateMs('rate(1 hour)')).toBe(3_600_000);
    expect(rateMs('rate(2 days)')).toBe(172_800_000);
    expect(rateMs('cron(0 */2 * * ? *)')).toBeUndefined();
  });
});
