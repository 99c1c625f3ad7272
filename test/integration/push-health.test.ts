/**
 * Push health's verdicts from the records in DynamoDB Local: which full run counts as the last
 * reconciliation (one that started while every feed had a live channel, not one that ran while push
 * was down), and push turned off reading as an hourly full sync whatever old channel records say.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  LAG_SAMPLES_PER_HOUR,
  readStats,
  recordApplied,
  saveChannel,
  WATCHED_FEEDS,
  type ChannelRecord,
} from '../../shared/adapters/dynamodb/push-channels.js';
import { SyncStateStore } from '../../shared/adapters/dynamodb/sync-state-store.js';
import type { PushStatus, RunRecord } from '../../shared/contract/api.js';
import { pushStatus } from '../../shared/services/push/health.js';
import { runCli } from '../support/cli.js';
import { freshTable, type TestTable } from '../support/dynamodb.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-12-07T12:00:00.000Z');
let table: TestTable;

beforeEach(async () => {
  table = await freshTable();
});

/** One channel per feed, live from `opened` for `hours`, stopped at `stoppedAt` if given. */
async function channels(opened: number, hours: number, stoppedAt?: number): Promise<void> {
  for (const feed of WATCHED_FEEDS) {
    const channel: ChannelRecord = {
      id: `${feed}-${opened}`,
      feed,
      resourceId: `resource-${feed}-${opened}`,
      tokenHash: 'a'.repeat(64),
      expiresAt: opened + hours * HOUR,
      openedAt: opened,
      status: stoppedAt === undefined ? 'active' : 'stopped',
      ...(stoppedAt === undefined ? {} : { stoppedAt }),
    };
    await saveChannel(table.db, table.tableName, channel);
  }
}

async function run(runId: string, startedAt: number, updated: number, status: RunRecord['status'] = 'succeeded'): Promise<void> {
  await new SyncStateStore(table.db, table.tableName).putRunRecord({
    runId,
    status,
    startedAt: new Date(startedAt).toISOString(),
    endedAt: new Date(startedAt + 60_000).toISOString(),
    durationMs: 60_000,
    forced: false,
    counts: { fetched: 100, created: 0, updated, unchanged: 100 - updated, deleted: 0 },
    memberships: { groupsChanged: 1, added: 2, removed: 1 },
    apiCalls: 10,
    retries: 0,
    itemWrites: updated,
    invocations: 1,
    errors: [],
  });
}

describe('push health', () => {
  it('takes as the last reconciliation the newest successful run that started while every feed was live', async () => {
    // Channels live from 10 h ago for 6 h (then stopped), and again from 2 h ago.
    await channels(NOW - 10 * HOUR, 6, NOW - 4 * HOUR);
    await channels(NOW - 2 * HOUR, 6);
    await run('while-live-earlier', NOW - 8 * HOUR, 3);
    await run('while-down', NOW - 3 * HOUR, 40); // between the two channel sets: push was down
    await run('while-live-failed', NOW - HOUR, 0, 'failed');
    await run('while-live', NOW - 30 * 60_000, 2);
    const status = await pushStatus(table.db, table.tableName, true, NOW);
    expect(status.healthy).toBe(true);
    expect(status.fullSync.schedule).toBe('daily');
    expect(status.fullSync.lastReconciliation).toEqual({
      runId: 'while-live',
      startedAt: new Date(NOW - 30 * 60_000).toISOString(),
      endedAt: new Date(NOW - 29 * 60_000).toISOString(),
      created: 0,
      updated: 2,
      deleted: 0,
      memberships: { added: 2, removed: 1 },
    });
  });

  it('does not count a run made while push was down as a reconciliation', async () => {
    await channels(NOW - 10 * HOUR, 6, NOW - 4 * HOUR);
    await run('while-live-earlier', NOW - 8 * HOUR, 3);
    await run('while-down', NOW - HOUR, 40);
    const status = await pushStatus(table.db, table.tableName, true, NOW);
    expect(status.healthy).toBe(false);
    expect(status.fullSync).toMatchObject({ schedule: 'hourly', lastSucceededAt: new Date(NOW - HOUR).toISOString() });
    expect(status.fullSync.lastReconciliation?.runId).toBe('while-live-earlier');
  });

  it('with push turned off, reads as an hourly full sync and not healthy, whatever live channels are recorded', async () => {
    await channels(NOW - HOUR, 6);
    const on = await pushStatus(table.db, table.tableName, true, NOW);
    expect(on).toMatchObject({ enabled: true, healthy: true, fullSync: { schedule: 'daily' } });
    const off = await pushStatus(table.db, table.tableName, false, NOW);
    expect(off).toMatchObject({
      enabled: false,
      healthy: false,
      fullSync: { schedule: 'hourly', reason: 'Push is off (PUSH_ENABLED=false): the full sync runs every hour.' },
    });
    expect(off.feeds).toEqual(on.feeds);
  });
});

describe('push health counters', () => {
  it('count every applied change but keep a bounded sample of lags per hour, so a bulk change cannot outgrow the item', async () => {
    const at = new Date(NOW);
    await recordApplied(
      table.db,
      table.tableName,
      at,
      Array.from({ length: LAG_SAMPLES_PER_HOUR + 500 }, (_, i) => i),
    );
    await recordApplied(table.db, table.tableName, at, [5, 6, 7]);
    const [hour] = await readStats(table.db, table.tableName, new Date(NOW - HOUR));
    expect(hour).toMatchObject({ applied: LAG_SAMPLES_PER_HOUR + 503 });
    expect(hour!.lagsMs).toHaveLength(LAG_SAMPLES_PER_HOUR);
  });
});

describe('npm run sync -- --push-status', () => {
  /** The CLI as an operator runs it beside `npm start`, on this test's table. */
  const pushStatusCli = async (env: Record<string, string>) =>
    runCli('local/sync-cli.ts', ['--push-status'], {
      RUNTIME_MODE: 'local',
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      SYNC_LOCAL_STATE_DIR: await mkdtemp(join(tmpdir(), 'wb-push-status-')),
      LOG_LEVEL: 'ERROR',
      ...env,
    });

  it(
    'prints the status as JSON, exits 0 when every feed is live, and 1 with the reason when push is off',
    { timeout: 30_000 },
    async () => {
      await channels(Date.now() - HOUR, 6);
      await run('while-live', Date.now() - 30 * 60_000, 1);
      const live = await pushStatusCli({});
      expect(live.code).toBe(0);
      const status = JSON.parse(live.stdout) as PushStatus;
      expect(status).toMatchObject({
        enabled: true,
        healthy: true,
        fullSync: { schedule: 'daily', lastReconciliation: { runId: 'while-live' } },
      });
      expect(live.stderr).toContain('last reconciliation');
      const off = await pushStatusCli({ PUSH_ENABLED: 'false' });
      expect(off.code).toBe(1);
      expect(off.stderr).toContain('push is off (PUSH_ENABLED=false)');
      expect((JSON.parse(off.stdout) as PushStatus).fullSync.schedule).toBe('hourly');
    },
  );
});
