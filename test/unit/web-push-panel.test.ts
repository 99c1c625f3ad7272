import { describe, expect, it } from 'vitest';
import type { PushStatus } from '../../shared/contract/api.js';
import { gapText, pushHeadline, pushState } from '../../web/src/pages/push-panel.js';
import { formatDuration, formatRelative } from '../../web/src/ui/dom.js';

const live: PushStatus = {
  enabled: true,
  healthy: true,
  feeds: [{ feed: 'users', live: true, channelId: 'users-1', expiresAt: '2026-12-07T06:00:00.000Z' }],
  channelsPastExpiry: 0,
  appliedLastHour: 3,
  appliedLastDay: 9,
  fullSync: { schedule: 'daily', reason: 'Every feed has a live channel.' },
};

describe("the admin page's push panel", () => {
  it('tells live, failing (hourly fallback) and off apart, off first whatever the channels say', () => {
    expect(pushState(live)).toBe('live');
    expect(pushHeadline(live)).toMatch(/^Push is live/);
    const failing: PushStatus = { ...live, healthy: false, fullSync: { schedule: 'hourly', reason: 'No live channel for users.' } };
    expect(pushState(failing)).toBe('failing');
    expect(pushHeadline(failing)).toBe('Push is failing: the full sync has fallen back to every hour.');
    expect(pushState({ ...live, enabled: false })).toBe('off');
    expect(pushHeadline({ ...live, enabled: false })).toBe('Push is off: changes in Google arrive with the hourly full sync.');
  });

  it('says what the last reconciliation repaired, or that nothing was missing', () => {
    const gap = {
      runId: 'r',
      startedAt: '2026-12-07T00:00:00.000Z',
      endedAt: '2026-12-07T00:01:00.000Z',
      created: 1,
      updated: 2,
      deleted: 0,
      memberships: { added: 3, removed: 1 },
    };
    expect(gapText(gap)).toBe(
      'Repaired what notifications missed: 1 created, 2 updated and 0 deleted users and groups; memberships +3 −1.',
    );
    expect(gapText({ ...gap, created: 0, updated: 0, memberships: { added: 0, removed: 0 } })).toBe(
      'Nothing was missing: every change had arrived by push.',
    );
  });

  it('writes times relative to now in the largest whole unit, and lags in ms, seconds or minutes', () => {
    const now = new Date('2026-12-07T00:00:00.000Z');
    // The test runner's locale is whatever the machine has: compare with Intl's own answer for it.
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    expect(formatRelative('2026-12-07T05:59:00.000Z', now)).toBe(rtf.format(5, 'hour'));
    expect(formatRelative('2026-12-06T23:57:30.000Z', now)).toBe(rtf.format(-2, 'minute'));
    expect(formatRelative('2026-12-09T01:00:00.000Z', now)).toBe(rtf.format(2, 'day'));
    expect(formatRelative(now, now)).toBe(rtf.format(0, 'second'));
    const unit = (u: string, v: number, digits: number) =>
      new Intl.NumberFormat(undefined, { style: 'unit', unit: u, maximumFractionDigits: digits }).format(v);
    expect(formatDuration(850)).toBe(unit('millisecond', 850, 0));
    expect(formatDuration(2_430)).toBe(unit('second', 2.4, 1));
    expect(formatDuration(210_000)).toBe(unit('minute', 3.5, 1));
  });
});
