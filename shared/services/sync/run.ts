import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  applyDirectoryItems,
  applyGroupUpsert,
  applyMembership,
  applyUserUpsert,
  readStoredState,
  tombstoneGroup,
  tombstoneUser,
  type ApplyContext,
  type SessionTerminator,
} from '../../adapters/dynamodb/sync-apply.js';
import { changesDirectory, markSearchIndexStale, refreshSearchIndex } from '../../adapters/dynamodb/people-index-store.js';
import type { Clock } from '../../adapters/clock/clock.js';
import type { DirectorySource } from '../../adapters/google/directory-source.js';
import { SnapshotFetcher } from './fetch.js';
import { OutOfTimeError, SyncError, type CallStats } from '../../adapters/google/google-calls.js';
import {
  checkGuard,
  heldChanges,
  missingFromSnapshot,
  planSync,
  type StoredState,
  type SyncCounts,
  type SyncPlan,
} from '../../domain/sync/plan.js';
import { forEachConcurrent } from '../../domain/sync/pool.js';
import { applyDelta, emptySnapshot, isDeltaEmpty, type Snapshot } from '../../domain/sync/snapshot.js';
import {
  CHECKPOINT_MAX_AGE_MS,
  SyncStateStore,
  type Checkpoint,
  type PendingDiff,
  type RunRecord,
  type RunStats,
  type RunStatus,
} from '../../adapters/dynamodb/sync-state-store.js';

export interface SyncEnvironment {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly source: DirectorySource;
  /** The counters the source's call runner increments (this invocation only). */
  readonly callStats: CallStats;
  readonly sessions: SessionTerminator;
  readonly clock: Clock;
  /** Names the missing delegated scopes when Google refuses a token (see preflight). */
  readonly diagnoseDelegation?: () => Promise<string | undefined>;
}

export interface SyncOptions {
  /** Pass the mass-deletion guard. */
  readonly force?: boolean;
  /** Fetch and plan, write nothing (no lease, no checkpoint, no run record). */
  readonly dryRun?: boolean;
  readonly maxDeleteShare: number;
  /** Google calls and DynamoDB steps in flight at once. */
  readonly concurrency: number;
  readonly checkpointIntervalMs: number;
  readonly leaseDurationMs: number;
  /** Time left in this invocation (Lambda's getRemainingTimeInMillis; Infinity locally). */
  readonly remainingMs: () => number;
  /** Stop and checkpoint when less than this is left. */
  readonly reserveMs: number;
  /** Unique per invocation: the lease owner. */
  readonly invocationId: string;
  readonly onProgress?: (message: string) => void;
}

export interface DiffSummary {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly deleted: readonly string[];
  readonly membershipChanges: number;
  readonly guard: { readonly ok: boolean; readonly reason?: string };
}

export type SyncOutcome =
  | { readonly status: 'continue'; readonly runId: string }
  | { readonly status: 'skipped'; readonly reason: string }
  | { readonly status: RunStatus; readonly record: RunRecord; readonly diff?: DiffSummary };

const PROGRESS_INTERVAL_MS = 5_000;
const SAMPLE_LIMIT = 1_000;
/** Samples per kind of held change: five kinds of 200 keep the pending diff well under DynamoDB's 400 KB item limit beside the deletion samples. */
const KIND_SAMPLE_LIMIT = 200;
/** Hand-overs in a row that fetched nothing before a run stops (see handOver). */
const MAX_IDLE_HAND_OVERS = 3;
/** Most users and groups a run looks up one by one before taking them for deleted (see confirmable). */
const MAX_CONFIRMATIONS = 500;

/**
 * One invocation's share of a directory sync run: take the lease, resume the checkpointed run or
 * start one, fetch what is missing, then plan, guard and apply; hand over ('continue') with a
 * checkpoint when time runs short. See docs/sync.md for why readers never see a
 * half-applied run stay that way.
 */
export async function runSync(env: SyncEnvironment, options: SyncOptions): Promise<SyncOutcome> {
  if (options.dryRun) return dryRun(env, options);
  const store = new SyncStateStore(env.db, env.tableName);
  const owner = options.invocationId;
  if (!(await store.acquireLease(owner, env.clock.now(), options.leaseDurationMs))) {
    return { status: 'skipped', reason: 'Another sync run holds the lease; this one did nothing.' };
  }
  let leaseLost = false;
  const heartbeat = setInterval(() => {
    store.renewLease(owner, env.clock.now(), options.leaseDurationMs).then(
      (held) => {
        if (!held) leaseLost = true;
      },
      () => undefined,
    );
  }, options.leaseDurationMs / 3);
  heartbeat.unref();
  try {
    return await new Invocation(env, options, store, () => leaseLost).run();
  } finally {
    clearInterval(heartbeat);
    await store.releaseLease(owner);
  }
}

class Invocation {
  private snapshot: Snapshot = emptySnapshot();
  private checkpoint: Checkpoint | undefined;
  /** Staged chunks the run had when this invocation took it: more at hand-over means it made progress. */
  private chunksAtStart = 0;
  private runId: string = randomUUID();
  private startedAt: string;
  private force: boolean;
  private baseStats: RunStats = { apiCalls: 0, retries: 0, itemWrites: 0, invocations: 0 };
  /** Counts of the plan the guard approved (kept across invocations: a resumed apply replans only what is left). */
  private approvedCounts: SyncCounts | undefined;
  private readonly memberships = { groupsChanged: 0, added: 0, removed: 0 };
  private readonly ctx: ApplyContext;
  private fetcher: SnapshotFetcher | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private flushFailure: unknown;
  private lastFlush: number;
  private lastProgress: number;

  constructor(
    private readonly env: SyncEnvironment,
    private readonly options: SyncOptions,
    private readonly store: SyncStateStore,
    private readonly leaseLost: () => boolean,
  ) {
    this.startedAt = new Date(env.clock.now()).toISOString();
    this.force = options.force === true;
    this.lastFlush = this.lastProgress = env.clock.now();
    this.ctx = {
      db: env.db,
      tableName: env.tableName,
      sessions: env.sessions,
      stats: { itemWrites: 0 },
      now: () => new Date(env.clock.now()).toISOString(),
    };
  }

  async run(): Promise<SyncOutcome> {
    let pending: PendingDiff | undefined;
    try {
      pending = await this.store.getPendingDiff();
      await this.resume();
      this.fetcher = new SnapshotFetcher(this.env.source, this.snapshot);
      let stored: StoredState | undefined;
      if (this.checkpoint?.phase !== 'applying') {
        this.progress('fetching');
        const fetcher = this.fetcher;
        const options = { concurrency: this.options.concurrency, shouldStop: () => this.shouldStop(true) };
        if ((await this.fetchStep(() => fetcher.run(options))) === 'stopped') return await this.handOver('fetching');
        // Planning starts by comparing with the table; what the lists missed is confirmed with Google first.
        this.progress('planning');
        stored = await readStoredState(this.env.db, this.env.tableName);
        const missing = confirmable(missingFromSnapshot(this.snapshot, stored), this.progress.bind(this));
        if (missing && (await this.fetchStep(() => fetcher.confirmMissing(missing, options))) === 'stopped')
          return await this.handOver('fetching');
      } else {
        this.progress('planning');
      }
      const plan = planSync(this.snapshot, stored ?? (await readStoredState(this.env.db, this.env.tableName)));
      let counts = this.checkpoint?.approvedCounts;
      if (!counts) {
        const verdict = checkGuard(plan, this.options.maxDeleteShare);
        if (!verdict.ok && !this.force) return await this.refuse(plan, verdict.reason ?? 'refused');
        counts = plan.counts;
        this.approvedCounts = counts;
      }
      this.progress(
        `applying: ${plan.userUpserts.length} users, ${plan.groupUpserts.length} groups, ${plan.memberships.length} memberships, ` +
          `${plan.userTombstones.length + plan.groupTombstones.length} deletions`,
      );
      if (changesDirectory(plan)) await markSearchIndexStale(this.env.db, this.env.tableName);
      if ((await this.apply(plan)) === 'stopped') return await this.handOver('applying');
      // Marked again once applied: a push batch's rebuild during the apply may have cleared the first
      // mark with only part of the plan in it, and this run's refresh must then still rebuild.
      if (changesDirectory(plan)) await markSearchIndexStale(this.env.db, this.env.tableName);
      // The full run is the compaction: push deltas since the last build are folded in.
      await refreshSearchIndex(this.env.db, this.env.tableName, { foldDeltas: true });
      if (this.checkpoint) await this.store.deleteCheckpoint(this.options.invocationId);
      if (pending) await this.store.deletePendingDiff();
      return this.finish('succeeded', counts, []);
    } catch (error) {
      const failure = await this.explain(error);
      await this.saveProgressAfterFailure();
      return this.finish('failed', this.approvedCounts ?? zeroCounts(), [failure]);
    }
  }

  /** Runs a fetch, waits for its checkpoint writes; 'stopped' also when a call gave up for want of time (its page is fetched again after the hand-over). */
  private async fetchStep(fetch: () => Promise<'complete' | 'stopped'>): Promise<'complete' | 'stopped'> {
    const outcome = await fetch().catch((error: unknown) => {
      if (error instanceof OutOfTimeError) return 'stopped' as const;
      throw error;
    });
    await this.flushing;
    if (this.flushFailure !== undefined) throw this.flushFailure;
    return outcome;
  }

  /** Rebuilds the snapshot from a recent checkpoint's staged deltas, and takes the checkpoint over. */
  private async resume(): Promise<void> {
    const existing = await this.store.getCheckpoint();
    if (!existing) return;
    if (this.env.clock.now() - Date.parse(existing.startedAt) > CHECKPOINT_MAX_AGE_MS) {
      this.progress(`abandoning run ${existing.runId}: its checkpoint is older than ${CHECKPOINT_MAX_AGE_MS / 60_000} minutes`);
      await this.store.deleteCheckpoint();
      return;
    }
    if (!Array.isArray(existing.chunks)) {
      // Written by a version that numbered its chunks (before a deploy): start over rather than misread it.
      this.progress(`abandoning run ${existing.runId}: its checkpoint has an older format`);
      await this.store.deleteCheckpoint();
      return;
    }
    for (const delta of await this.store.readChunks(existing.runId, existing.chunks)) applyDelta(this.snapshot, delta);
    this.runId = existing.runId;
    this.startedAt = existing.startedAt;
    this.force ||= existing.force;
    this.baseStats = existing.stats;
    this.approvedCounts = existing.approvedCounts;
    this.checkpoint = { ...existing, owner: this.options.invocationId, force: this.force };
    this.chunksAtStart = existing.chunks.length;
    await this.store.putCheckpoint(this.checkpoint, { takeOver: true });
    this.progress(
      `resuming run ${this.runId} (${existing.phase}, ${this.snapshot.users.length} users and ${this.snapshot.groups.length} groups already fetched)`,
    );
  }

  /** Checked before every call and step: time to hand over? Also where periodic checkpoints start. */
  private shouldStop(fetching: boolean): boolean {
    const now = this.env.clock.now();
    if (fetching && now - this.lastFlush >= this.options.checkpointIntervalMs) {
      this.lastFlush = now;
      this.flushing = this.flushing
        .then(() => this.saveCheckpoint('fetching'))
        .catch((error: unknown) => {
          this.flushFailure ??= error;
        });
    }
    if (now - this.lastProgress >= PROGRESS_INTERVAL_MS) {
      this.lastProgress = now;
      const s = this.snapshot;
      const groupsDone = [...s.members.values()].filter((m) => m.done).length;
      this.progress(
        `fetched ${s.users.length} users, ${s.groups.length} groups, members of ${groupsDone} groups; ${this.totals().apiCalls} ` +
          `calls, ${this.totals().retries} retries`,
      );
    }
    return this.flushFailure !== undefined || this.leaseLost() || this.options.remainingMs() < this.options.reserveMs;
  }

  /** Stages what was fetched since the last checkpoint, then records the checkpoint (fenced on our ownership). */
  private async saveCheckpoint(phase: Checkpoint['phase'], idleHandOvers = this.checkpoint?.idleHandOvers ?? 0): Promise<void> {
    const delta = this.fetcher?.takeDelta();
    try {
      let chunks = this.checkpoint?.chunks ?? [];
      if (delta && !isDeltaEmpty(delta)) {
        const chunkId = randomUUID();
        await this.store.stageChunk(this.runId, chunkId, delta, this.env.clock.now());
        chunks = [...chunks, chunkId];
      }
      const checkpoint: Checkpoint = {
        runId: this.runId,
        owner: this.options.invocationId,
        startedAt: this.startedAt,
        force: this.force,
        phase,
        chunks,
        stats: this.totals(),
        ...(this.approvedCounts ? { approvedCounts: this.approvedCounts } : {}),
        ...(idleHandOvers > 0 ? { idleHandOvers } : {}),
      };
      await this.store.putCheckpoint(checkpoint, { first: this.checkpoint === undefined });
      this.checkpoint = checkpoint;
    } catch (error) {
      // Not recorded: the pages go back, so the next checkpoint (a later flush, or the save after the
      // run fails) stages them with the page tokens that follow them.
      if (delta) this.fetcher?.putBack(delta);
      throw error;
    }
  }

  private async handOver(phase: Checkpoint['phase']): Promise<SyncOutcome> {
    if (this.leaseLost())
      throw new SyncError(
        'lease-lost',
        'This invocation lost the sync lease (it stalled past the lease time); another invocation carries the run on.',
      );
    await this.flushing;
    // Each hand-over starts the next invocation at once: when Google refuses every call (or asks to
    // wait longer than an invocation can), invocations would chain doing nothing until the checkpoint
    // ages out. A few idle ones in a row stop the run instead; what it fetched stays for the next run
    // (the failure saves it), which starts counting afresh.
    const staged = (this.checkpoint?.chunks.length ?? 0) > this.chunksAtStart || this.fetcher?.hasPendingPages() === true;
    const idle = phase === 'fetching' && !staged ? (this.checkpoint?.idleHandOvers ?? 0) + 1 : 0;
    if (idle >= MAX_IDLE_HAND_OVERS) {
      if (this.checkpoint) this.checkpoint = { ...this.checkpoint, idleHandOvers: 0 };
      throw new SyncError(
        'google-unavailable',
        `${idle} invocations in a row fetched nothing: Google kept failing or asking to wait. The run stops here; the next ` +
          `scheduled run resumes from the checkpoint.`,
      );
    }
    await this.saveCheckpoint(phase, idle);
    this.progress(`checkpointed run ${this.runId} (${phase}); continuing in a fresh invocation`);
    return { status: 'continue', runId: this.runId };
  }

  /** Applies the plan in an order that never leaves a reference dangling; 'stopped' when time ran short. */
  private async apply(plan: SyncPlan): Promise<'complete' | 'stopped'> {
    const { concurrency } = this.options;
    const stop = () => this.shouldStop(false);
    await applyDirectoryItems(this.ctx, plan);
    const stages: Array<() => Promise<'complete' | 'stopped'>> = [
      () => forEachConcurrent(plan.userUpserts, concurrency, (u) => applyUserUpsert(this.ctx, u), stop),
      () => forEachConcurrent(plan.groupUpserts, concurrency, (g) => applyGroupUpsert(this.ctx, g), stop),
      () =>
        forEachConcurrent(
          plan.memberships,
          concurrency,
          async (m) => {
            const { added, removed } = await applyMembership(this.ctx, m);
            this.memberships.groupsChanged += 1;
            this.memberships.added += added;
            this.memberships.removed += removed;
          },
          stop,
        ),
      () => forEachConcurrent(plan.userTombstones, concurrency, (u) => tombstoneUser(this.ctx, u), stop),
      () => forEachConcurrent(plan.groupTombstones, concurrency, (g) => tombstoneGroup(this.ctx, g), stop),
    ];
    for (const stage of stages) if ((await stage()) === 'stopped') return 'stopped';
    return 'complete';
  }

  private async refuse(plan: SyncPlan, reason: string): Promise<SyncOutcome> {
    const sample = <T extends { id: string; email: string }>(items: readonly T[]) =>
      items.slice(0, SAMPLE_LIMIT).map((i) => ({ id: i.id, email: i.email }));
    await this.store.putPendingDiff({
      runId: this.runId,
      refusedAt: new Date(this.env.clock.now()).toISOString(),
      reason,
      counts: plan.counts,
      deletedUsers: sample(plan.userTombstones),
      deletedGroups: sample(plan.groupTombstones),
      truncated: plan.userTombstones.length > SAMPLE_LIMIT || plan.groupTombstones.length > SAMPLE_LIMIT,
      kinds: heldChanges(plan, KIND_SAMPLE_LIMIT),
    });
    if (this.checkpoint) await this.store.deleteCheckpoint(this.options.invocationId);
    this.progress(`refused: ${reason} Review the pending diff, then run again with --force to apply it.`);
    return this.finish('refused', plan.counts, [
      { code: 'mass-deletion-guard', message: `${reason} Nothing was applied; run with --force to apply.` },
    ]);
  }

  private async explain(error: unknown): Promise<{ code: string; message: string }> {
    if (error instanceof SyncError) {
      if (error.code === 'scope-not-delegated' && this.env.diagnoseDelegation) {
        const detail = await this.env.diagnoseDelegation().catch(() => undefined);
        if (detail) return { code: error.code, message: detail };
      }
      return { code: error.code, message: error.message };
    }
    return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
  }

  /** Keeps what was fetched so the next run resumes instead of starting over (best effort). */
  private async saveProgressAfterFailure(): Promise<void> {
    if (this.leaseLost()) return;
    try {
      await this.flushing;
      if (!this.checkpoint && this.snapshot.users.length === 0 && this.snapshot.groups.length === 0) return; // nothing worth keeping
      await this.saveCheckpoint(this.checkpoint?.phase ?? 'fetching');
    } catch {
      // The failure being reported matters more; a lost checkpoint only costs a re-fetch.
    }
  }

  private totals(): RunStats {
    return {
      apiCalls: this.baseStats.apiCalls + this.env.callStats.apiCalls,
      retries: this.baseStats.retries + this.env.callStats.retries,
      itemWrites: this.baseStats.itemWrites + this.ctx.stats.itemWrites,
      invocations: this.baseStats.invocations + 1,
    };
  }

  private async finish(status: RunStatus, counts: SyncCounts, errors: RunRecord['errors']): Promise<SyncOutcome> {
    const endedAt = this.env.clock.now();
    const totals = this.totals();
    const record: RunRecord = {
      runId: this.runId,
      status,
      startedAt: this.startedAt,
      endedAt: new Date(endedAt).toISOString(),
      durationMs: endedAt - Date.parse(this.startedAt),
      forced: this.force,
      counts,
      memberships: { ...this.memberships },
      ...totals,
      errors,
    };
    const recorded = await this.store.recordRun(record, this.options.invocationId);
    if (!recorded)
      return {
        status: 'skipped',
        reason: `This invocation lost the sync lease before it could record run ${this.runId} as ${status}; the invocation that took the run over records it.`,
      };
    return { status, record: recorded };
  }

  private progress(message: string): void {
    this.options.onProgress?.(message);
  }
}

export function zeroCounts(): SyncCounts {
  return { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0 };
}

/**
 * The missing items worth one lookup each, or undefined when there are none or too many: a rename
 * during a fetch misses a handful; thousands missing is a mass deletion, which the guard judges, and
 * confirming it would cost as many calls as the whole fetch.
 */
function confirmable(missing: { users: string[]; groups: string[] }, progress: (message: string) => void): typeof missing | undefined {
  const count = missing.users.length + missing.groups.length;
  if (count === 0) return undefined;
  if (count > MAX_CONFIRMATIONS) {
    progress(`not confirming ${count} users and groups the lists did not return (more than ${MAX_CONFIRMATIONS}): taken as deleted`);
    return undefined;
  }
  progress(`confirming ${count} users and groups the lists did not return`);
  return missing;
}

/** Fetches and plans in memory; writes nothing at all. */
async function dryRun(env: SyncEnvironment, options: SyncOptions): Promise<SyncOutcome> {
  const started = env.clock.now();
  const snapshot = emptySnapshot();
  options.onProgress?.('dry run: fetching');
  const fetcher = new SnapshotFetcher(env.source, snapshot);
  const fetchOptions = { concurrency: options.concurrency, shouldStop: () => false };
  await fetcher.run(fetchOptions);
  const stored = await readStoredState(env.db, env.tableName);
  const missing = confirmable(missingFromSnapshot(snapshot, stored), (message) => options.onProgress?.(message));
  if (missing) await fetcher.confirmMissing(missing, fetchOptions);
  options.onProgress?.('planning');
  const plan = planSync(snapshot, stored);
  const verdict = checkGuard(plan, options.maxDeleteShare);
  const diff: DiffSummary = {
    created: [
      ...plan.userUpserts.filter((u) => u.created).map((u) => u.user.primaryEmail),
      ...plan.groupUpserts.filter((g) => g.created).map((g) => g.group.email),
    ],
    updated: [
      ...plan.userUpserts.filter((u) => !u.created).map((u) => u.user.primaryEmail),
      ...plan.groupUpserts.filter((g) => !g.created).map((g) => g.group.email),
    ],
    deleted: [...plan.userTombstones.map((u) => u.email), ...plan.groupTombstones.map((g) => g.email)],
    membershipChanges: plan.memberships.length,
    guard: verdict.ok || options.force ? { ok: true } : verdict,
  };
  const ended = env.clock.now();
  const record: RunRecord = {
    runId: `dry-run-${options.invocationId}`,
    status: 'dry-run',
    startedAt: new Date(started).toISOString(),
    endedAt: new Date(ended).toISOString(),
    durationMs: ended - started,
    forced: options.force === true,
    counts: plan.counts,
    memberships: { groupsChanged: plan.memberships.length, added: 0, removed: 0 },
    apiCalls: env.callStats.apiCalls,
    retries: env.callStats.retries,
    itemWrites: 0,
    invocations: 1,
    errors: [],
  };
  return { status: 'dry-run', record, diff };
}
