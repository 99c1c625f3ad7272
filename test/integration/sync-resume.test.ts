import { gunzipSync } from 'node:zlib';
import { noIndexChanges, publishIndexChanges } from '../../shared/services/sync/index-deltas.js';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getGroupById, listDirectGroupsOf, listDirectMembers, listUsersInGroup } from '../../shared/adapters/dynamodb/groups.js';
import { provideDependencies } from '../../shared/runtime/dependencies.js';
import { emptySnapshot, type SnapshotDelta } from '../../shared/domain/sync/snapshot.js';
import { getUserById } from '../../shared/adapters/dynamodb/users.js';
import { readPointer } from '../../shared/adapters/dynamodb/people-index-store.js';
import { applyChangedUser } from '../../shared/adapters/dynamodb/sync-apply.js';
import { toDirectoryUser } from '../../shared/adapters/google/map.js';
import { createSyncEnvironment, LAMBDA_RESERVE_MS, LEASE_DURATION_MS } from '../../shared/services/sync/setup.js';
import { SnapshotFetcher } from '../../shared/services/sync/fetch.js';
import { listRunRecords, SyncStateStore } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { systemClock } from '../../shared/adapters/clock/clock.js';
import { handler } from '../../functions/sync.js';
import { failingOnce } from '../support/dynamodb.js';
import { captureOutput } from '../support/logs.js';
import { minimumCalls, startSyncHarness, type SyncHarness } from '../support/sync.js';

/** Small tenant: these tests are about resuming, not paging. */
const SMALL = { users: 60, groups: 25 } as const;

/** Time that runs out after `calls` checks: the invocation checkpoints and hands over. */
function runsOutAfter(calls: number) {
  let checks = 0;
  return () => (++checks > calls ? 0 : Number.POSITIVE_INFINITY);
}

async function storedMatchesEmulator(h: SyncHarness): Promise<void> {
  const items = await h.directoryItems();
  const liveUsers = h.emulator.directory.users.filter((u) => !u.deletionTime);
  expect([...items.keys()].filter((k) => k.endsWith(' PROFILE')).length).toBe(liveUsers.length);
  const everyone = h.emulator.directory.group('everyone@example.com')!;
  expect(await listUsersInGroup(h.table.db, h.table.tableName, everyone.id)).toHaveLength(liveUsers.length);
}

describe('resuming a run', () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await startSyncHarness(SMALL);
  });
  afterEach(() => h.close());

  it('continues a run that ran out of time while fetching, without fetching anything twice', async () => {
    const first = await h.sync({ remainingMs: runsOutAfter(8) });
    expect(first.status).toBe('continue');
    const checkpoint = await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint();
    expect(checkpoint).toMatchObject({ phase: 'fetching', chunks: [expect.any(String)] });
    expect(await h.directoryItems()).toEqual(new Map()); // nothing applied while fetching

    const second = await h.sync();
    if (!('record' in second)) throw new Error(second.status);
    expect(second.record).toMatchObject({ status: 'succeeded', invocations: 2, runId: checkpoint!.runId });
    expect(second.record.apiCalls).toBe(minimumCalls(h.emulator));
    expect(await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint()).toBeUndefined();
    await storedMatchesEmulator(h);
  });

  it('continues a run that ran out of time while applying, with no further Google calls', async () => {
    let applying = false;
    const first = await h.sync({
      onProgress: (m) => {
        if (m.startsWith('applying')) applying = true;
      },
      remainingMs: (() => {
        let checks = 0;
        return () => (applying && ++checks > 20 ? 0 : Number.POSITIVE_INFINITY);
      })(),
    });
    expect(first.status).toBe('continue');
    expect(await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint()).toMatchObject({ phase: 'applying' });
    const second = await h.sync();
    if (!('record' in second)) throw new Error(second.status);
    expect(second.record).toMatchObject({ status: 'succeeded', invocations: 2, apiCalls: minimumCalls(h.emulator) });
    // The counts are the approved plan's, not what was left after the first invocation.
    const live = h.emulator.directory.users.filter((u) => !u.deletionTime).length;
    expect(second.record.counts.created).toBe(live + h.emulator.directory.groups.length);
    await storedMatchesEmulator(h);
  });

  it("keeps a failed invocation's errors on the record of the run its resume completes", async () => {
    // DynamoDB fails the first user write: the invocation fails while applying, after a complete fetch.
    const flaky = failingOnce(h.table.db, (command) => command instanceof TransactWriteCommand);
    const failed = await h.sync({}, {}, flaky.db);
    if (!('record' in failed)) throw new Error(failed.status);
    expect(failed.record).toMatchObject({ status: 'failed', errors: [{ code: 'internal', message: 'Injected DynamoDB failure' }] });

    const resumed = await h.sync();
    expect(resumed).toMatchObject({ status: 'succeeded', record: { runId: failed.record.runId, invocations: 2 } });
    const records = await listRunRecords(h.table.db, h.table.tableName);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'succeeded', errors: [{ code: 'internal', message: 'Injected DynamoDB failure' }] });
  });

  it('lets the Lambda retry that comes a minute after a crash take the run over', async () => {
    // The crashed invocation renewed its lease just before it died.
    expect(await new SyncStateStore(h.table.db, h.table.tableName).acquireLease('crashed', Date.now(), LEASE_DURATION_MS)).toBe(true);
    const retry = await h.sync({}, { clock: { now: () => Date.now() + 60_000, sleep: systemClock.sleep } });
    expect(retry.status).toBe('succeeded');
  });

  it('hands over instead of waiting into its reserve when Google keeps failing, and the next invocation finishes', async () => {
    h.emulator.setLimits({ errorRate: 1 });
    // 10 ms before the reserve, and every backoff (jitter at its top: 19 ms) longer than that.
    const first = await h.sync({ remainingMs: () => LAMBDA_RESERVE_MS + 10 }, { random: () => 0.99 });
    expect(first.status).toBe('continue');
    // Each call in flight tried once and gave up: no retry waited.
    const handedOver = await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint();
    expect(handedOver?.stats).toMatchObject({ retries: 0 });
    h.emulator.setLimits({ errorRate: 0 });
    expect(await h.sync()).toMatchObject({
      status: 'succeeded',
      record: { invocations: 2, retries: 0, apiCalls: minimumCalls(h.emulator) + handedOver!.stats.apiCalls },
    });
  });

  it('stops a run whose invocations keep handing over without fetching anything, keeping it for the next run', async () => {
    h.emulator.setLimits({ errorRate: 1 });
    const idle = () => h.sync({ remainingMs: () => LAMBDA_RESERVE_MS + 10 }, { random: () => 0.99 });
    expect((await idle()).status).toBe('continue');
    expect((await idle()).status).toBe('continue');
    // The third idle invocation in a row ends the chain of continuations.
    expect(await idle()).toMatchObject({
      status: 'failed',
      record: {
        invocations: 3,
        errors: [{ code: 'google-unavailable', message: expect.stringMatching(/3 invocations in a row fetched nothing/) }],
      },
    });
    const kept = await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint();
    expect(kept).toMatchObject({ phase: 'fetching' });
    expect(kept?.idleHandOvers ?? 0).toBe(0);
    h.emulator.setLimits({ errorRate: 0 });
    expect(await h.sync()).toMatchObject({ status: 'succeeded', record: { invocations: 4 } });
  });

  it('starts over from a checkpoint of the older format (numbered chunks) rather than misread it', async () => {
    const store = new SyncStateStore(h.table.db, h.table.tableName);
    const stats = { apiCalls: 3, retries: 0, itemWrites: 0, invocations: 1 };
    await store.putCheckpoint(
      {
        runId: 'before-the-deploy',
        owner: 'old',
        startedAt: new Date().toISOString(),
        force: false,
        phase: 'fetching',
        chunks: 2 as unknown as string[],
        stats,
      },
      { first: true },
    );
    const progress: string[] = [];
    const outcome = await h.sync({ onProgress: (m) => progress.push(m) });
    expect(progress).toContain('abandoning run before-the-deploy: its checkpoint has an older format');
    expect(outcome).toMatchObject({ status: 'succeeded', record: { invocations: 1, apiCalls: minimumCalls(h.emulator) } });
  });

  it('lets one run hold the lease at a time', async () => {
    const store = new SyncStateStore(h.table.db, h.table.tableName);
    expect(await store.acquireLease('someone-else', Date.now(), 60_000)).toBe(true);
    expect(await h.sync()).toEqual({ status: 'skipped', reason: expect.stringMatching(/lease/) });
    expect(await store.renewLease('someone-else', Date.now(), 60_000)).toBe(true);
    await store.releaseLease('someone-else');
    expect((await h.sync()).status).toBe('succeeded');
  });

  it('re-invokes the Lambda function with the run id, and the continuation finishes the run', async () => {
    provideDependencies(h.deps);
    const lambda = mockClient(LambdaClient);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    try {
      const context = (remaining: () => number) =>
        ({
          awsRequestId: `req-${Math.random()}`,
          invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:sync',
          functionName: 'sync',
          getRemainingTimeInMillis: remaining,
        }) as unknown as Context;
      const first = await handler({}, context(runsOutAfter(6)));
      expect(first).toMatchObject({ status: 'continue' });
      const calls = lambda.commandCalls(InvokeCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.args[0].input).toMatchObject({
        FunctionName: 'arn:aws:lambda:eu-west-1:123456789012:function:sync',
        InvocationType: 'Event',
      });
      const payload = JSON.parse(Buffer.from(calls[0]!.args[0].input.Payload as Uint8Array).toString('utf8')) as { continuation: string };
      expect(payload.continuation).toBe(first.runId);

      const output = captureOutput();
      let second: Record<string, unknown>;
      try {
        second = await handler(
          payload,
          context(() => 600_000),
        );
      } finally {
        output.restore();
      }
      expect(second).toMatchObject({
        status: 'succeeded',
        runId: first.runId,
        invocations: 2,
        apiCalls: minimumCalls(h.emulator),
        deleted: 0,
      });
      // The run record as a CloudWatch Embedded Metric Format line.
      const emf = output
        .lines()
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l._aws);
      expect(emf).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'WorkspaceBridge/Sync', Dimensions: [['status']] }] },
        status: 'succeeded',
        ApiCalls: minimumCalls(h.emulator),
        Retries: 0,
        Deleted: 0,
      });
      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
    } finally {
      lambda.restore();
    }
  });
});

/** The staging write of a chunk that holds a users page with more pages after it. */
function stagesUsersPageWithMoreToCome(command: { input: unknown }): boolean {
  const items = Object.values(
    (command.input as { RequestItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>> }).RequestItems ?? {},
  ).flat();
  const item = items[0]?.PutRequest?.Item;
  if (!item || !String(item.pk).startsWith('SYNCRUN#') || item.parts !== 1) return false;
  const delta = JSON.parse(gunzipSync(item.data as Uint8Array).toString('utf8')) as SnapshotDelta;
  return delta.users.length > 0 && delta.usersCursor?.done === false;
}

/** The default tenant (600 users: two users pages) synced once; the sessions sync had ended by then. */
async function withSyncedTwoPageTenant(test: (h: SyncHarness, endedBefore: number) => Promise<void>): Promise<void> {
  const h = await startSyncHarness();
  try {
    expect((await h.sync()).status).toBe('succeeded');
    await test(h, h.endedSessions.length);
  } finally {
    await h.close();
  }
}

describe('a checkpoint write that fails', () => {
  it('loses no page: the resumed run finds the directory unchanged and deletes no one', async () => {
    // Two pages of users, so a users page can be staged while the next is on its way.
    await withSyncedTwoPageTenant(async (h, endedBefore) => {
      // Pages take a moment to arrive, so the next users page lands after the failed write.
      h.emulator.setLimits({ latencyMs: 20 });
      const flaky = failingOnce(h.table.db, stagesUsersPageWithMoreToCome);
      const failed = await h.sync({ checkpointIntervalMs: 0 }, {}, flaky.db);
      expect(flaky.failed()).toBe(true);
      if (!('record' in failed)) throw new Error(failed.status);
      expect(failed.record.status).toBe('failed');
      h.emulator.setLimits({ latencyMs: 0 });

      // No guard: a lost page would show as deletions here, as it does under the guard in a tenant of
      // more than ten users pages.
      const resumed = await h.sync({ maxDeleteShare: 1 });
      expect(resumed).toMatchObject({
        status: 'succeeded',
        record: { runId: failed.record.runId, invocations: 2, counts: { deleted: 0 }, itemWrites: 0 },
      });
      expect(h.endedSessions).toHaveLength(endedBefore);
    });
  }, 90_000);
});

describe('a user renamed while the users list is being paged', () => {
  it('moves to a page already read, is missed by the list, and is confirmed, not tombstoned', async () => {
    // The first invocation hands over right after users page 1.
    await withSyncedTwoPageTenant(async (h, endedBefore) => {
      const listed = () => h.emulator.counters()['directory.users.list'] ?? 0;
      const before = listed();
      const first = await h.sync({ remainingMs: () => (listed() > before ? 0 : Number.POSITIVE_INFINITY) });
      expect(first.status).toBe('continue');
      expect(listed()).toBe(before + 1);

      // The last user in email order is on page 2; renamed to sort first, page 2 no longer holds them.
      const live = h.emulator.directory.users.filter((u) => !u.deletionTime);
      const moved = live.reduce((a, b) => (a.primaryEmail > b.primaryEmail ? a : b));
      h.emulator.directory.updateUser(moved.id, { primaryEmail: `aaaa.moved@${moved.primaryEmail.split('@')[1]}` });

      const resumed = await h.sync({ maxDeleteShare: 1 });
      // Updated: the user and the groups listing their new address.
      expect(resumed).toMatchObject({ status: 'succeeded', record: { invocations: 2, counts: { deleted: 0 } } });
      expect(await getUserById(h.table.db, h.table.tableName, moved.id)).toMatchObject({
        primaryEmail: expect.stringMatching(/^aaaa\.moved@/),
      });
      expect(h.endedSessions).toHaveLength(endedBefore);
    });
  }, 90_000);
});

describe('a user the lists missed, confirmed with users.get', () => {
  it('joins the snapshot with what colleagues see of them, one more counted call; a hidden one with nothing shared', async () => {
    const h = await startSyncHarness(SMALL);
    try {
      expect((await h.sync()).status).toBe('succeeded');
      const live = h.emulator.directory.users.filter((u) => !u.deletionTime && !u.suspended && !u.archived);
      const listed = live.find((u) => u.includeInGlobalAddressList !== false)!;
      const hidden = h.emulator.directory.updateUser(live.find((u) => u.id !== listed.id)!.id, { includeInGlobalAddressList: false });
      const stored = (await getUserById(h.table.db, h.table.tableName, listed.id))!;
      expect(stored.shared).toBeDefined();

      // Everything listed already, as when the run has paged every list: only the lookups remain.
      const env = await createSyncEnvironment(h.deps, {
        sessions: { endUserSessions: async () => undefined, refreshUserSessions: async () => undefined },
      });
      const snapshot = { ...emptySnapshot(), domains: [], schemas: [], usersCursor: { done: true }, groupsCursor: { done: true } };
      const fetcher = new SnapshotFetcher(env.source, snapshot);
      const gets = () => h.emulator.counters()['directory.users.get'] ?? 0;
      const before = gets();
      const outcome = await fetcher.confirmMissing(
        { users: [listed.id, hidden.id], groups: [] },
        { concurrency: 2, shouldStop: () => false },
      );

      expect(outcome).toBe('complete');
      expect(snapshot.users.map((u) => u.id).sort()).toEqual([listed.id, hidden.id].sort());
      // The same public view the domain listing gave the full run; none for the hidden user, whom the view leaves out.
      expect(snapshot.publicProfiles).toEqual([{ id: listed.id, ...stored.shared }]);
      expect(fetcher.takeDelta().publicProfiles).toEqual(snapshot.publicProfiles);
      expect(gets() - before).toBe(3);
      expect(env.callStats.apiCalls).toBe(3);
    } finally {
      await h.close();
    }
  });
});

describe('a group deleted in Google', () => {
  it('is tombstoned with every membership in and of it removed', async () => {
    const h = await startSyncHarness(SMALL);
    try {
      expect((await h.sync()).status).toBe('succeeded');
      const { directory } = h.emulator;
      // A nested team: it has members and is itself a member of a parent group.
      const parent = directory.groups.find((g) => directory.members(g.id).some((m) => m.type === 'GROUP'))!;
      const child = directory.group(directory.members(parent.id).find((m) => m.type === 'GROUP')!.id)!;
      const { db, tableName } = h.table;
      expect((await listUsersInGroup(db, tableName, child.id)).length).toBeGreaterThan(0);
      directory.deleteGroup(child.id);
      const outcome = await h.sync();
      if (!('record' in outcome)) throw new Error(outcome.status);
      expect(outcome.record.counts.deleted).toBe(1);
      expect((await getGroupById(db, tableName, child.id))?.deletedAt).toEqual(expect.any(String));
      expect(await listDirectMembers(db, tableName, child.id)).toEqual([]);
      expect(await listUsersInGroup(db, tableName, child.id)).toEqual([]);
      expect(await listDirectGroupsOf(db, tableName, `GROUP#${child.id}`)).toEqual([]);
      // And a second run finds nothing left to do.
      expect(await h.sync()).toMatchObject({ status: 'succeeded', record: { itemWrites: 0, counts: { deleted: 0 } } });
    } finally {
      await h.close();
    }
  });
});

describe('a user applied on its own (the push notification step)', () => {
  it('its delta is folded into the search index at the next full run, which finds nothing else to write', async () => {
    const h = await startSyncHarness(SMALL);
    try {
      expect((await h.sync()).status).toBe('succeeded');
      const { db, tableName } = h.table;
      const before = await readPointer(db, tableName);
      const user = h.emulator.directory.users.find((u) => !u.deletionTime && !u.suspended)!;
      const renamed = h.emulator.directory.updateUser(user.id, {
        name: { ...user.name, fullName: 'Renamed Person', familyName: 'Person', givenName: 'Renamed' },
      });
      const ctx = {
        db,
        tableName,
        sessions: { endUserSessions: async () => undefined, refreshUserSessions: async () => undefined },
        stats: { itemWrites: 0 },
        now: () => new Date().toISOString(),
      };
      // A rename leaves what colleagues see as the full run stored it.
      const { shared } = (await getUserById(db, tableName, user.id))!;
      expect(await applyChangedUser(ctx, { ...toDirectoryUser(renamed), shared })).toBe('updated');
      // As the worker does after a batch: the change becomes a delta over the published index.
      const changes = noIndexChanges();
      changes.users.add(user.id);
      await publishIndexChanges(db, tableName, changes);

      const outcome = await h.sync();
      expect(outcome).toMatchObject({ status: 'succeeded', record: { itemWrites: 0, counts: { updated: 0 } } });
      const after = await readPointer(db, tableName);
      expect(after?.version).not.toBe(before?.version);
    } finally {
      await h.close();
    }
  });
});
