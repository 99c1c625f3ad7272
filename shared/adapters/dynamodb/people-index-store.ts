import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from './batch.js';
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
 * before it is deleted when a new version is published.
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
}

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
}

/** Stores a built index and points readers at it; a version already current is left alone. */
export async function publishDirectoryIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  built: BuiltIndex,
  now = new Date(),
): Promise<PublishResult> {
  const current = await readPointer(db, tableName);
  const chunks = Math.max(1, Math.ceil(built.data.length / CHUNK_BYTES));
  const result = { version: built.version, people: built.people, groups: built.groups, bytes: built.data.length, chunks };
  if (current?.version === built.version) {
    await db.send(new UpdateCommand({ TableName: tableName, Key: KEYS.searchIndexPointer, UpdateExpression: 'REMOVE stale' }));
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
  };
  await db.send(new PutCommand({ TableName: tableName, Item: { ...KEYS.searchIndexPointer, pointer } }));
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
  const built = buildDirectoryIndex(
    {
      users: users.map((i) => i.user),
      groups: groups.map((i) => ({ ...i.group, directMembersCount: i.directMembersCount ?? 0 })),
      schemas,
    },
    now,
  );
  return publishDirectoryIndex(db, tableName, built, now);
}

/** Loads one published version: its chunks in one strongly consistent BatchGetItem per 100 chunks. */
export async function loadDirectoryIndex(db: DynamoDBDocumentClient, tableName: string, pointer: IndexPointer): Promise<DirectoryIndex> {
  const parts = new Map<string, Uint8Array>();
  const all = Array.from({ length: pointer.chunks }, (_, n) => KEYS.searchIndexChunk(pointer.version, n));
  for (let i = 0; i < all.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = all.slice(i, i + 100);
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[tableName] ?? []) parts.set(String(item.sk), item.data as Uint8Array);
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  const ordered = all.map((k) => parts.get(k.sk));
  if (ordered.some((p) => p === undefined)) throw new CorruptIndexError(`Search index ${pointer.version} is missing chunks.`);
  const data = Buffer.concat(ordered as Uint8Array[]);
  if (data.length !== pointer.bytes)
    throw new CorruptIndexError(`Search index ${pointer.version} has ${data.length} bytes, not ${pointer.bytes}.`);
  return DirectoryIndex.fromData(pointer.version, data);
}

/**
 * The index a warm function keeps, per table. Cold: the first request loads it. Warm: after
 * `checkEveryMs` a request triggers a pointer read in the background and is answered from the
 * index in hand; a newer version, if sync published one, is loaded beside it and swapped in, so
 * no request waits for a reload (~0.5 s at 100,000 users). With `checkEveryMs` 0 every request
 * reads the pointer and waits for a new version: strict freshness for one GetItem per request.
 * Concurrent requests share one load.
 */
export class SearchIndexCache {
  private loaded: DirectoryIndex | undefined;
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

  /** The refresh under way (or a new one): resolves once the newest published version is in hand. */
  refreshed(): Promise<DirectoryIndex | undefined> {
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<DirectoryIndex | undefined> {
    const pointer = await readPointer(this.db, this.tableName);
    if (pointer && pointer.version !== this.loaded?.version) this.loaded = await loadDirectoryIndex(this.db, this.tableName, pointer);
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
 * Sync marks the index stale before it applies changes, and `refreshSearchIndex` clears the mark by
 * publishing: a run that fails between the two leaves the mark, so the next run rebuilds even when
 * it finds nothing new to apply.
 */
export async function markSearchIndexStale(db: DynamoDBDocumentClient, tableName: string): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.searchIndexPointer,
      UpdateExpression: 'SET stale = :yes',
      ExpressionAttributeValues: { ':yes': true },
    }),
  );
}

/**
 * After a sync run applied its plan: rebuilds and publishes the index when it is stale, missing, or
 * stored in a layout this code does not read (the first run after an upgrade); otherwise nothing (one read).
 */
export async function refreshSearchIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  now = new Date(),
): Promise<PublishResult | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.searchIndexPointer, ConsistentRead: true }));
  const pointer = Item?.pointer as IndexPointer | undefined;
  if (pointer && pointer.format === DIRECTORY_INDEX_FORMAT && Item!.stale !== true) return undefined;
  return rebuildSearchIndex(db, tableName, now);
}
