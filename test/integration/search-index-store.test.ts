import { createHash } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildDirectoryIndex } from '../../shared/domain/people/directory-index.js';
import {
  CHUNK_BYTES,
  markSearchIndexStale,
  publishDirectoryIndex,
  readPointer,
  rebuildSearchIndex,
  refreshSearchIndex,
  SearchIndexCache,
} from '../../shared/adapters/dynamodb/people-index-store.js';

import { numberedUser, putSyncedUser } from '../support/directory.js';
import { freshTable, type TestTable } from '../support/dynamodb.js';
import { KEYS } from '../../shared/adapters/dynamodb/table-definition.js';

const chunkVersions = async (table: TestTable, version: string) =>
  (
    await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SEARCHINDEX#${version}` },
      }),
    )
  ).Items?.length ?? 0;

describe('the published search index in DynamoDB', () => {
  let table: TestTable;
  beforeEach(async () => {
    table = await freshTable();
  });

  it('rebuilds from the synced users, publishes once per content, and keeps only the previous version beside the current', async () => {
    await putSyncedUser(table, numberedUser(1));
    const first = await rebuildSearchIndex(table.db, table.tableName);
    expect(first).toMatchObject({ published: true, people: 1, chunks: 1 });
    expect(await rebuildSearchIndex(table.db, table.tableName)).toMatchObject({ version: first.version, published: false });

    await putSyncedUser(table, numberedUser(2));
    const second = await rebuildSearchIndex(table.db, table.tableName);
    await putSyncedUser(table, numberedUser(3));
    const third = await rebuildSearchIndex(table.db, table.tableName);
    expect(new Set([first.version, second.version, third.version]).size).toBe(3);
    expect(await readPointer(table.db, table.tableName)).toMatchObject({
      version: third.version,
      people: 3,
      previous: { version: second.version },
    });
    expect(await chunkVersions(table, first.version)).toBe(0);
    expect(await chunkVersions(table, second.version)).toBe(1);
    expect(await chunkVersions(table, third.version)).toBe(1);
  });

  it('of two overlapping builds, the one that read the table first neither replaces the other nor leaves its chunks', async () => {
    const older = buildDirectoryIndex({ users: [numberedUser(1)], groups: [], schemas: [] });
    const newer = buildDirectoryIndex({ users: [numberedUser(1), numberedUser(2)], groups: [], schemas: [] });
    // The newer build read the table after delta 5 was written; the older one saw only up to 3.
    expect(await publishDirectoryIndex(table.db, table.tableName, newer, new Date(), { deltaSeq: 5, deltaItems: 5 })).toMatchObject({
      published: true,
    });
    expect(await publishDirectoryIndex(table.db, table.tableName, older, new Date(), { deltaSeq: 3, deltaItems: 3 })).toMatchObject({
      published: false,
    });
    expect(await readPointer(table.db, table.tableName)).toMatchObject({ version: newer.version, baseSeq: 5 });
    expect(await chunkVersions(table, older.version)).toBe(0);
    expect(await chunkVersions(table, newer.version)).toBe(1);
  });

  it('splits a large index into chunks under the item limit and loads them back whole', async () => {
    // Incompressible words (hashes), so the gzip'd index passes one chunk.
    const hash = (text: string) => createHash('sha256').update(text).digest('hex');
    const many = Array.from({ length: 6000 }, (_, i) => numberedUser(i, { keywords: [hash(`a${i}`), hash(`b${i}`), hash(`c${i}`)] }));
    const built = buildDirectoryIndex({ users: many, groups: [], schemas: [] });
    const result = await publishDirectoryIndex(table.db, table.tableName, built);
    expect(result.chunks).toBe(Math.ceil(built.data.length / CHUNK_BYTES));
    expect(result.chunks).toBeGreaterThan(1);
    const index = await new SearchIndexCache(table.db, table.tableName, 30_000).current();
    expect(index?.peopleCount).toBe(6000);
    expect(index?.searchPeople('person 5999').map((p) => index.person(p).id)[0]).toBe(String(1000 + 5999));
  });

  it('refreshes after sync only when the index is missing or marked stale (a failed run between the two still leads to a rebuild)', async () => {
    await putSyncedUser(table, numberedUser(1));
    expect(await refreshSearchIndex(table.db, table.tableName)).toMatchObject({ published: true });
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined();
    await putSyncedUser(table, numberedUser(2));
    await markSearchIndexStale(table.db, table.tableName);
    expect(await refreshSearchIndex(table.db, table.tableName)).toMatchObject({ published: true, people: 2 });
    await markSearchIndexStale(table.db, table.tableName);
    expect(await refreshSearchIndex(table.db, table.tableName)).toMatchObject({ published: false });
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined();
  });

  it('keeps a stale mark made while a rebuild was reading the directory, so the change it announced is built next', async () => {
    await putSyncedUser(table, numberedUser(1));
    await refreshSearchIndex(table.db, table.tableName);
    await markSearchIndexStale(table.db, table.tableName);
    // A write and its mark land after the rebuild has read the head but before it reads the users.
    let interleaved = false;
    table.db.middlewareStack.add(
      (next, context) => async (args) => {
        if (!interleaved && context.commandName === 'QueryCommand') {
          interleaved = true;
          await putSyncedUser(table, numberedUser(2));
          await markSearchIndexStale(table.db, table.tableName);
        }
        return next(args);
      },
      { step: 'initialize', name: 'interleaveStaleMark' },
    );
    try {
      await refreshSearchIndex(table.db, table.tableName);
    } finally {
      table.db.middlewareStack.remove('interleaveStaleMark');
    }
    expect(interleaved).toBe(true);
    // Whether the rebuild saw person 2 or not, the second mark stands, and the next refresh has them.
    const next = await refreshSearchIndex(table.db, table.tableName);
    expect(next).toMatchObject({ people: 2 });
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined();
  });

  it('rebuilds after an upgrade when the stored index has a layout this code does not read', async () => {
    await putSyncedUser(table, numberedUser(1));
    const first = await refreshSearchIndex(table.db, table.tableName);
    const pointer = await readPointer(table.db, table.tableName);
    // As an older release left it: no format field, and a version hashed over the older layout.
    const { format: _format, ...olderPointer } = pointer!;
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...KEYS.searchIndexPointer, pointer: { ...olderPointer, version: 'older-layout' } },
      }),
    );
    expect(await refreshSearchIndex(table.db, table.tableName)).toMatchObject({ published: true, version: first!.version });
    expect(await readPointer(table.db, table.tableName)).toMatchObject({ format: pointer!.format });
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined();
  });

  it('a warm cache reads the pointer at most once per interval and swaps in a new version without making a request wait', async () => {
    await putSyncedUser(table, numberedUser(1));
    await rebuildSearchIndex(table.db, table.tableName);
    let now = 0;
    let reads = 0;
    const send = table.db.send.bind(table.db) as (command: unknown) => Promise<unknown>;
    const counted = Object.assign(Object.create(table.db) as typeof table.db, {
      send: (command: unknown) => {
        reads += 1;
        return send(command);
      },
    });
    const cache = new SearchIndexCache(counted, table.tableName, 30_000, () => now);
    const first = await cache.current();
    expect(reads).toBe(2);
    await putSyncedUser(table, numberedUser(2));
    await rebuildSearchIndex(table.db, table.tableName);
    now = 29_999;
    expect(await cache.current()).toBe(first);
    expect(reads).toBe(2);
    now = 30_000;
    // Past the interval the request is still answered from the index in hand; the newer one loads beside it.
    expect(await cache.current()).toBe(first);
    const second = await cache.refreshed();
    expect(second?.version).not.toBe(first?.version);
    expect(second?.peopleCount).toBe(2);
    expect(await cache.current()).toBe(second);
    expect(reads).toBe(4);
  });

  it('keeps serving the loaded index when a background check fails, and retries on the next request', async () => {
    await putSyncedUser(table, numberedUser(1));
    await rebuildSearchIndex(table.db, table.tableName);
    let now = 0;
    let failing = false;
    const send = table.db.send.bind(table.db) as (command: unknown) => Promise<unknown>;
    const flaky = Object.assign(Object.create(table.db) as typeof table.db, {
      send: (command: unknown) => (failing ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : send(command)),
    });
    const cache = new SearchIndexCache(flaky, table.tableName, 30_000, () => now);
    const first = await cache.current();
    failing = true;
    now = 60_000;
    expect(await cache.current()).toBe(first);
    await expect(cache.refreshed()).rejects.toThrow(/Throughput/);
    failing = false;
    expect(await cache.current()).toBe(first);
    expect(await cache.refreshed()).toBe(first);
  });

  it('with an interval of 0, every request reads the pointer and waits for a newer version', async () => {
    await putSyncedUser(table, numberedUser(1));
    await rebuildSearchIndex(table.db, table.tableName);
    const cache = new SearchIndexCache(table.db, table.tableName, 0);
    const first = await cache.current();
    expect(await cache.current()).toBe(first);
    await putSyncedUser(table, numberedUser(2));
    await rebuildSearchIndex(table.db, table.tableName);
    expect((await cache.current())?.peopleCount).toBe(2);
  });
});
