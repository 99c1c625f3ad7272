import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditional.js';
import { batchGetAll, batchWriteAll } from './batch.js';
import { deleteIndexDeltas, readIndexDeltas, readIndexHead, type IndexHead } from './people-index-deltas.js';
import { queryAll } from './query.js';
import { logger } from '../../logging/logger.js';
import { getSchemas } from './groups.js';
import type { DirectoryUser } from '../../domain/directory/model.js';

import type { SyncPlan } from '../../domain/sync/plan.js';
import {
  buildDirectoryIndex,
  DIRECTORY_INDEX_FORMAT,
  DirectoryIndex,
  type BuiltIndex,
  type IndexedGroup,
} from '../../domain/people/directory-index.js';
import { CorruptIndexError } from '../../domain/people/pack.js';
import { indexQuery, KEYS } from './table-definition.js';

/**
 * The published search index in the table, written by directory sync, read by the API: a pointer
 * item naming the current version, and that version's gzip'd chunks (keys: table-definition.ts).
 *
 * Chunks are written first and the pointer last, so a reader never sees a version without its
 * chunks. The previous version is kept (a warm function may be loading it at this moment); the one
 * before it is deleted when a new version is published. Push changes in between are deltas laid over
 * the published version (people-index-deltas.ts); a build folds them in ("compaction").
 */
export const CHUNK_BYTES = 350_000;

export interface IndexPointer {
  readonly version: string;
  /** The layout the chunks hold (absent before `directory-index/5`). */
  readonly format?: string;
  readonly chunks: number;
  readonly bytes: number;
  readonly builtAt: string;
  readonly people: number;
  readonly groups: number;
  readonly previous?: { readonly version: string; readonly chunks: number };
  /** The delta counters when the build read the directory: deltas up to `baseSeq` are in it. */
  readonly baseSeq?: number;
  readonly baseItems?: number;
}

/** Delta records since the published build past which the worker folds them into a new build (see refreshSearchIndex). */
export const DELTA_BOUND = 1_000;
/** How long one worker may take to compact before another may try. */
const COMPACTION_LEASE_MS = 5 * 60_000;

export async function readPointer(db: DynamoDBDocumentClient, tableName: string): Promise<IndexPointer | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.searchIndexPointer, ConsistentRead: true }));
  return Item?.pointer as IndexPointer | undefined;
}

export interface PublishResult {
  readonly version: string;
  readonly published: boolean;
  readonly people: number;
  readonly groups: number;
  readonly bytes: number;
  readonly chunks: number;
  /** Where a rebuild's time went, ms: reading the directory, building, writing chunks and pointer. */
  readonly timings?: { readonly readMs: number; readonly buildMs: number; readonly writeMs: number };
}

/**
 * The delta counters a build saw before it read the directory (zero: it folds in no deltas), and the
 * stale marks it saw then (absent: a prebuilt index, which clears the mark whatever came since).
 */
type BuildBase = Pick<IndexHead, 'deltaSeq' | 'deltaItems'> & Partial<Pick<IndexHead, 'staleMarks'>>;

/**
 * Sets the pointer (not the delta counters beside it, which workers move meanwhile) and clears the
 * compaction lease, only if the pointer is still the one this build read (`expected` version, or
 * none) and folds no more deltas than this build holds: of two builds that overlap, the one that
 * read the table first must not replace the other nor delete deltas it lacks. False when it lost.
 */
async function setPointer(
  db: DynamoDBDocumentClient,
  tableName: string,
  expected: string | undefined,
  baseSeq: number,
  set: string,
  values: Record<string, unknown>,
): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.searchIndexPointer,
        UpdateExpression: `SET ${set} REMOVE compactingUntil`,
        ConditionExpression:
          expected === undefined
            ? 'attribute_not_exists(pointer)'
            : 'pointer.version = :expected AND (attribute_not_exists(pointer.baseSeq) OR pointer.baseSeq <= :builtOn)',
        ExpressionAttributeValues: { ...values, ...(expected === undefined ? {} : { ':expected': expected, ':builtOn': baseSeq }) },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Clears the stale mark unless the index was marked again after the build read the directory: that
 * later mark's change may be missing from the build, so it stays and the next refresh rebuilds.
 */
async function clearStaleMark(db: DynamoDBDocumentClient, tableName: string, seen: number | undefined): Promise<void> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.searchIndexPointer,
        UpdateExpression: 'REMOVE stale',
        ...(seen === undefined
          ? {}
          : seen === 0
            ? { ConditionExpression: 'attribute_not_exists(staleMarks)' }
            : { ConditionExpression: 'staleMarks = :seen', ExpressionAttributeValues: { ':seen': seen } }),
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Stores a built index and points readers at it; a version already current is left alone (only
 * its delta mark moves). Deltas the build before this one folded in are then deleted: a reader
 * still on that version no longer needs them. `base`: the delta counters read before the directory
 * was read (rebuildSearchIndex); without it every pending delta stays laid over this build.
 */
export async function publishDirectoryIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  built: BuiltIndex,
  now = new Date(),
  base: BuildBase = { deltaSeq: 0, deltaItems: 0 },
): Promise<PublishResult> {
  const current = await readPointer(db, tableName);
  const chunks = Math.max(1, Math.ceil(built.data.length / CHUNK_BYTES));
  const result = { version: built.version, people: built.people, groups: built.groups, bytes: built.data.length, chunks };
  const foldedBefore = current?.baseSeq ?? 0;
  if (current?.version === built.version) {
    const moved = await setPointer(db, tableName, current.version, base.deltaSeq, 'pointer.baseSeq = :seq, pointer.baseItems = :items', {
      ':seq': base.deltaSeq,
      ':items': base.deltaItems,
    });
    if (!moved) return { ...result, published: false };
    await clearStaleMark(db, tableName, base.staleMarks);
    if (foldedBefore > 0) await deleteIndexDeltas(db, tableName, foldedBefore);
    return { ...result, published: false };
  }
  await batchWriteAll(
    db,
    tableName,
    Array.from({ length: chunks }, (_, n) => ({
      PutRequest: {
        Item: { ...KEYS.searchIndexChunk(built.version, n), data: built.data.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) },
      },
    })),
  );
  const pointer: IndexPointer = {
    version: built.version,
    format: DIRECTORY_INDEX_FORMAT,
    chunks,
    bytes: built.data.length,
    builtAt: now.toISOString(),
    people: built.people,
    groups: built.groups,
    ...(current ? { previous: { version: current.version, chunks: current.chunks } } : {}),
    baseSeq: base.deltaSeq,
    baseItems: base.deltaItems,
  };
  if (!(await setPointer(db, tableName, current?.version, base.deltaSeq, 'pointer = :pointer', { ':pointer': pointer }))) {
    // Another build was published meanwhile: it stands (pending deltas still lie over it); this one's chunks go.
    const latest = await readPointer(db, tableName);
    if (latest?.version !== built.version && latest?.previous?.version !== built.version)
      await batchWriteAll(
        db,
        tableName,
        Array.from({ length: chunks }, (_, n) => ({ DeleteRequest: { Key: KEYS.searchIndexChunk(built.version, n) } })),
      );
    return { ...result, published: false };
  }
  await clearStaleMark(db, tableName, base.staleMarks);
  if (foldedBefore > 0) await deleteIndexDeltas(db, tableName, foldedBefore);
  const stale = current?.previous;
  if (stale && stale.version !== built.version) {
    await batchWriteAll(
      db,
      tableName,
      Array.from({ length: stale.chunks }, (_, n) => ({ DeleteRequest: { Key: KEYS.searchIndexChunk(stale.version, n) } })),
    );
  }
  return { ...result, published: true };
}

/** Reads the synced directory (one index query each for users and groups, one read for schemas), builds the index and publishes it. */
export async function rebuildSearchIndex(db: DynamoDBDocumentClient, tableName: string, now = new Date()): Promise<PublishResult> {
  const started = performance.now();
  // Read before the directory: every delta numbered up to here was written after its table write, so the build holds it.
  const base = await readIndexHead(db, tableName);
  const [users, groups, schemas] = await Promise.all([
    queryAll<{ user: DirectoryUser }>(db, {
      TableName: tableName,
      ...indexQuery(KEYS.users),
      ProjectionExpression: '#user',
      ExpressionAttributeNames: { '#user': 'user' },
    }),
    queryAll<{ group: IndexedGroup; directMembersCount?: number }>(db, {
      TableName: tableName,
      ...indexQuery(KEYS.groups),
      ProjectionExpression: '#group, directMembersCount',
      ExpressionAttributeNames: { '#group': 'group' },
    }),
    getSchemas(db, tableName),
  ]);
  const read = performance.now();
  const built = buildDirectoryIndex(
    {
      users: users.map((i) => i.user),
      groups: groups.map((i) => ({ ...i.group, directMembersCount: i.directMembersCount ?? 0 })),
      schemas,
    },
    now,
  );
  const builtAt = performance.now();
  const result = await publishDirectoryIndex(db, tableName, built, now, base);
  const ms = (from: number, to: number) => Math.round(to - from);
  return { ...result, timings: { readMs: ms(started, read), buildMs: ms(read, builtAt), writeMs: ms(builtAt, performance.now()) } };
}

/** Loads one published version: its chunks in one strongly consistent BatchGetItem per 100 chunks. */
export async function loadDirectoryIndex(db: DynamoDBDocumentClient, tableName: string, pointer: IndexPointer): Promise<DirectoryIndex> {
  const all = Array.from({ length: pointer.chunks }, (_, n) => KEYS.searchIndexChunk(pointer.version, n));
  const parts = new Map((await batchGetAll(db, tableName, all)).map((item) => [String(item.sk), item.data as Uint8Array]));
  const ordered = all.map((k) => parts.get(k.sk));
  if (ordered.some((p) => p === undefined)) throw new CorruptIndexError(`Search index ${pointer.version} is missing chunks.`);
  const data = Buffer.concat(ordered as Uint8Array[]);
  if (data.length !== pointer.bytes)
    throw new CorruptIndexError(`Search index ${pointer.version} has ${data.length} bytes, not ${pointer.bytes}.`);
  return DirectoryIndex.fromData(pointer.version, data);
}

/**
 * The index a warm function keeps, per table: the published version with the deltas since laid
 * over it. Cold: the first request loads it. Warm: after `checkEveryMs` a request triggers a read
 * of the pointer item (one strongly consistent GetItem, one read unit) in the background and is
 * answered from the index in hand; when the pointer moved, the deltas are read (one Query) and laid
 * over the base (a new version is loaded first), and the result swapped in, so no request waits
 * (~0.3 s at 100,000 people). With `checkEveryMs` 0 every request reads the pointer and waits for
 * a change: strict freshness for one GetItem per request. Concurrent requests share one refresh.
 */
export class SearchIndexCache {
  private loaded: DirectoryIndex | undefined;
  private base: DirectoryIndex | undefined;
  /** The pointer and delta counters `loaded` reflects. */
  private loadedAt = '';
  private checkedAt = Number.NEGATIVE_INFINITY;
  private pending: Promise<DirectoryIndex | undefined> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly checkEveryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The current index, or undefined when sync has not published one yet. */
  async current(): Promise<DirectoryIndex | undefined> {
    if (this.loaded && this.now() - this.checkedAt < this.checkEveryMs) return this.loaded;
    const refreshing = this.refreshed();
    if (!this.loaded || this.checkEveryMs === 0) return refreshing;
    // Not awaited: a failed check must not reject unobserved (it would end the process); the next request retries.
    refreshing.catch((error: unknown) =>
      logger.warn('search index refresh failed; serving the loaded version', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    return this.loaded;
  }

  /** The refresh under way (or a new one): resolves once the newest published version and deltas are in hand. */
  refreshed(): Promise<DirectoryIndex | undefined> {
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<DirectoryIndex | undefined> {
    const head = await readIndexHead(this.db, this.tableName);
    const pointer = head.pointer as IndexPointer | undefined;
    const baseSeq = pointer?.baseSeq ?? 0;
    // deltaItems, not deltaSeq: a batch moves deltaSeq once before it writes (nothing new to read
    // yet) and both counters after; only the second move is worth a re-read and a re-patch.
    const mark = pointer ? `${pointer.version}|${baseSeq}|${head.deltaItems}` : '';
    if (pointer && mark !== this.loadedAt) {
      if (pointer.version !== this.base?.version) this.base = await loadDirectoryIndex(this.db, this.tableName, pointer);
      const patch = head.deltaSeq > baseSeq ? await readIndexDeltas(this.db, this.tableName, baseSeq) : undefined;
      this.loaded =
        patch && patch.people.size + patch.groups.size > 0 ? this.base.patched(patch, `${pointer.version}+${head.deltaSeq}`) : this.base;
      this.loadedAt = mark;
    }
    this.checkedAt = this.now();
    return this.loaded;
  }
}

/** Whether applying the plan changes anything the search index holds. */
export function changesDirectory(
  plan: Pick<SyncPlan, 'userUpserts' | 'groupUpserts' | 'memberships' | 'userTombstones' | 'groupTombstones' | 'schemas'>,
): boolean {
  return (
    plan.userUpserts.length +
      plan.groupUpserts.length +
      plan.memberships.length +
      plan.userTombstones.length +
      plan.groupTombstones.length >
      0 || plan.schemas !== undefined
  );
}

/**
 * Sync marks the index stale before it applies changes (and a worker whose deltas could not be
 * written marks it too), and `refreshSearchIndex` clears the mark by publishing: a run that fails
 * between the two leaves the mark, so the next run rebuilds even when it finds nothing new to apply.
 * Each mark is counted, so a build clears only the marks it saw before reading the directory.
 */
export async function markSearchIndexStale(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.searchIndexPointer,
      UpdateExpression: 'SET stale = :yes ADD staleMarks :one',
      ExpressionAttributeValues: { ':yes': true, ':one': 1 },
    }),
  );
}

/**
 * After a sync run applied its plan, or the push worker a batch: rebuilds and publishes the index
 * when it is stale, missing, or stored in a layout this code does not read (the first run after an
 * upgrade); when `foldDeltas` (a full sync run) and push deltas are pending; or when more than
 * DELTA_BOUND delta records are pending, by one caller at a time (a lease on the pointer item).
 * Otherwise nothing (one read).
 */
export async function refreshSearchIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: { readonly now?: Date; readonly foldDeltas?: boolean } = {},
): Promise<PublishResult | undefined> {
  const now = options.now ?? new Date();
  const head = await readIndexHead(db, tableName);
  const pointer = head.pointer as IndexPointer | undefined;
  if (!pointer || pointer.format !== DIRECTORY_INDEX_FORMAT) return rebuildSearchIndex(db, tableName, now);
  if (options.foldDeltas && (head.stale || head.deltaSeq > (pointer.baseSeq ?? 0))) return rebuildSearchIndex(db, tableName, now);
  // Push batches rebuild a stale index one at a time (the compaction lease): while a full sync applies
  // its plan the mark stands, and every batch meanwhile would otherwise rebuild the whole index.
  if (head.stale) return (await takeCompactionLease(db, tableName, now)) ? rebuildSearchIndex(db, tableName, now) : undefined;
  if (head.deltaItems - (pointer.baseItems ?? 0) <= DELTA_BOUND || !(await takeCompactionLease(db, tableName, now))) return undefined;
  return rebuildSearchIndex(db, tableName, now);
}

async function takeCompactionLease(db: DynamoDBDocumentClient, tableName: string, now: Date): Promise<boolean> {
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.searchIndexPointer,
        UpdateExpression: 'SET compactingUntil = :until',
        ConditionExpression: 'attribute_not_exists(compactingUntil) OR compactingUntil < :now',
        ExpressionAttributeValues: { ':until': now.getTime() + COMPACTION_LEASE_MS, ':now': now.getTime() },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
