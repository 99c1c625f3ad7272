import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getUserByEmail } from '../support/directory.js';
import { applyChangedUser, type ApplyContext } from '../../shared/adapters/dynamodb/sync-apply.js';
import { emptyDelta } from '../../shared/domain/sync/snapshot.js';
import { listRunRecords, SyncStateStore, type Checkpoint, type RunRecord } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { makeUser } from '../support/directory.js';
import { freshTable } from '../support/dynamodb.js';

const checkpoint = (owner: string): Checkpoint => ({
  runId: 'run-1',
  owner,
  startedAt: new Date().toISOString(),
  force: false,
  phase: 'fetching',
  chunks: [],
  stats: { apiCalls: 0, retries: 0, itemWrites: 0, invocations: 1 },
});

describe('sync state in DynamoDB', () => {
  it('stages a delta larger than one item in parts and reads it back intact', async () => {
    const { db, tableName } = await freshTable();
    const store = new SyncStateStore(db, tableName);
    // Barely compressible content: about 600 KB gzip'd, more than one item holds.
    const users = Array.from({ length: 300 }, (_, i) =>
      makeUser({ id: `u${i}`, primaryEmail: `u${i}@example.com`, keywords: [randomBytes(2_000).toString('base64')] }),
    );
    const delta = { ...emptyDelta(), users, usersCursor: { next: 'token-2', done: false } };
    expect(await store.stageChunk('run-1', 'first', delta, Date.now())).toBeGreaterThanOrEqual(2);
    await store.stageChunk('run-1', 'second', { ...emptyDelta(), usersCursor: { done: true } }, Date.now());
    const chunks = await store.readChunks('run-1', ['first', 'second']);
    expect(chunks[0]).toEqual(JSON.parse(JSON.stringify(delta)));
    expect(chunks[1]?.usersCursor).toEqual({ done: true });
    // A chunk staged but not yet listed by the checkpoint is not read.
    expect(await store.readChunks('run-1', ['first'])).toHaveLength(1);
  });

  it("never lets a stalled invocation overwrite a chunk the run's new owner staged", async () => {
    const { db, tableName } = await freshTable();
    const store = new SyncStateStore(db, tableName);
    const page = (next: string) => ({
      ...emptyDelta(),
      users: [makeUser({ id: next, primaryEmail: `${next}@example.com` })],
      usersCursor: { next, done: false },
    });
    // Both resumed from a checkpoint listing no chunk: the new owner stages its pages, then the stalled one stages its own.
    await store.stageChunk('run-1', 'by-new-owner', page('b'), Date.now());
    await store.stageChunk('run-1', 'by-stalled', page('a'), Date.now());
    expect((await store.readChunks('run-1', ['by-new-owner']))[0]?.usersCursor).toEqual({ next: 'b', done: false });
  });

  it('fences the checkpoint: only its owner (or an explicit takeover) may write it', async () => {
    const { db, tableName } = await freshTable();
    const store = new SyncStateStore(db, tableName);
    await store.putCheckpoint(checkpoint('invocation-a'), { first: true });
    await expect(store.putCheckpoint(checkpoint('invocation-b'))).rejects.toThrow(/conditional/i);
    await expect(store.putCheckpoint(checkpoint('invocation-b'), { first: true })).rejects.toThrow(/conditional/i);
    await store.putCheckpoint(checkpoint('invocation-b'), { takeOver: true });
    await expect(store.putCheckpoint(checkpoint('invocation-a'))).rejects.toThrow(/conditional/i);
    expect((await store.getCheckpoint())?.owner).toBe('invocation-b');
    // The stalled one cannot delete its successor's checkpoint either…
    await expect(store.deleteCheckpoint('invocation-a')).rejects.toThrow(/conditional/i);
    // …nor, once the successor finished and deleted it, bring it back.
    await store.deleteCheckpoint('invocation-b');
    await expect(store.putCheckpoint(checkpoint('invocation-a'))).rejects.toThrow(/conditional/i);
    expect(await store.getCheckpoint()).toBeUndefined();
  });

  it('records a run only while the writer holds the lease, keeping the errors of its earlier invocations', async () => {
    const { db, tableName } = await freshTable();
    const store = new SyncStateStore(db, tableName);
    const record = (status: RunRecord['status'], errors: RunRecord['errors']): RunRecord => ({
      runId: 'run-1',
      status,
      startedAt: '2030-01-01T00:00:00.000Z',
      endedAt: '2030-01-01T00:05:00.000Z',
      durationMs: 300_000,
      forced: false,
      counts: { fetched: 1, created: 0, updated: 0, unchanged: 1, deleted: 0 },
      memberships: { groupsChanged: 0, added: 0, removed: 0 },
      apiCalls: 5,
      retries: 0,
      itemWrites: 0,
      invocations: 1,
      errors,
    });
    const googleDown = { code: 'google-unavailable', message: 'Google kept failing' };
    expect(await store.acquireLease('a', Date.now(), 60_000)).toBe(true);
    expect(await store.recordRun(record('failed', [googleDown]), 'a')).toMatchObject({ errors: [googleDown] });
    await store.releaseLease('a');
    // The resumed run succeeds: the failed invocation's error stays on the record.
    expect(await store.acquireLease('b', Date.now(), 60_000)).toBe(true);
    expect(await store.recordRun(record('succeeded', []), 'b')).toMatchObject({ status: 'succeeded', errors: [googleDown] });
    // An invocation that stalled past its lease cannot turn the record into a failure.
    expect(await store.recordRun(record('failed', [{ code: 'internal', message: 'late' }]), 'a')).toBeUndefined();
    await store.releaseLease('b');
    expect(await store.recordRun(record('failed', [{ code: 'internal', message: 'late' }]), 'a')).toBeUndefined();
    expect(await listRunRecords(db, tableName)).toEqual([expect.objectContaining({ status: 'succeeded', errors: [googleDown] })]);
  });

  it('takes an expired lease over but not a live one', async () => {
    const { db, tableName } = await freshTable();
    const store = new SyncStateStore(db, tableName);
    expect(await store.acquireLease('a', 1_000, 60_000)).toBe(true);
    expect(await store.acquireLease('b', 30_000, 60_000)).toBe(false);
    expect(await store.acquireLease('b', 62_000, 60_000)).toBe(true);
    expect(await store.renewLease('a', 63_000, 60_000)).toBe(false);
  });

  it('applies one changed user on its own, idempotently (the step push notifications will use)', async () => {
    const { db, tableName } = await freshTable();
    const ended: string[] = [];
    const ctx: ApplyContext = {
      db,
      tableName,
      sessions: {
        endUserSessions: async (id) => {
          ended.push(id);
        },
        refreshUserSessions: async () => undefined,
      },
      stats: { itemWrites: 0 },
      now: () => new Date().toISOString(),
    };
    const user = makeUser({ id: '7', primaryEmail: 'kay@example.com', aliases: ['k@example.com'] });
    expect(await applyChangedUser(ctx, user)).toBe('created');
    expect(ctx.stats.itemWrites).toBe(3);
    expect(await applyChangedUser(ctx, { ...user, etag: '"other"' })).toBe('unchanged');
    expect(ctx.stats.itemWrites).toBe(3);
    expect(await applyChangedUser(ctx, { ...user, aliases: ['kay.c@example.com'], suspended: true })).toBe('updated');
    expect(ctx.stats.itemWrites).toBe(3 + 3); // profile, new alias entry, dropped alias entry
    expect(ended).toEqual(['7']);
    expect(await getUserByEmail(db, tableName, 'k@example.com')).toBeUndefined();
    expect((await getUserByEmail(db, tableName, 'kay.c@example.com'))?.suspended).toBe(true);
  });

  it('lets an address move to another user in the same run, whichever is written first', async () => {
    const { db, tableName } = await freshTable();
    const ctx: ApplyContext = {
      db,
      tableName,
      sessions: { endUserSessions: async () => undefined, refreshUserSessions: async () => undefined },
      stats: { itemWrites: 0 },
      now: () => new Date().toISOString(),
    };
    const a = makeUser({ id: 'a', primaryEmail: 'a@example.com', aliases: ['team-lead@example.com'] });
    const b = makeUser({ id: 'b', primaryEmail: 'b@example.com' });
    await applyChangedUser(ctx, a);
    await applyChangedUser(ctx, b);
    // Google moved the alias from a to b; sync happens to write b first.
    await applyChangedUser(ctx, { ...b, aliases: ['team-lead@example.com'] });
    await applyChangedUser(ctx, { ...a, aliases: [] });
    expect((await getUserByEmail(db, tableName, 'team-lead@example.com'))?.id).toBe('b');
  });
});
