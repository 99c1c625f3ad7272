import { describe, expect, it } from 'vitest';
import type { SyncProgress } from '../../shared/contract/api.js';
import { progressText } from '../../web/src/pages/admin.js';

const base: SyncProgress = {
  runId: 'r',
  startedAt: '2026-12-06T22:00:00.000Z',
  force: false,
  phase: 'fetching',
  stagedChunks: 4,
  apiCalls: 9,
  retries: 0,
  itemWrites: 0,
  invocations: 1,
};

describe("the admin page's sync progress line", () => {
  it('names the phase and the counts so far', () => {
    expect(progressText(base)).toBe('Fetching the directory: 4 pages so far (9 Google calls, 0 items written)…');
    expect(
      progressText({
        ...base,
        phase: 'applying',
        itemWrites: 30,
        invocations: 2,
        counts: { fetched: 90, created: 2, updated: 5, unchanged: 83, deleted: 1 },
      }),
    ).toBe('Applying 2 new, 5 changed and 1 deleted users and groups (9 Google calls, 30 items written, 2 invocations)…');
    expect(progressText({ ...base, phase: 'applying' })).toBe('Applying the changes (9 Google calls, 0 items written)…');
  });
});
