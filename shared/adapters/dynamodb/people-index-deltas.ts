import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GroupRecord, IndexPatch, PersonRecord } from '../../domain/people/directory-index.js';
import { forEachConcurrent } from '../../domain/sync/pool.js';
import { isConditionFailure } from './conditional.js';
import { queryAll } from './query.js';
import { KEYS, prefixQuery, type ItemKey } from './table-definition.js';

/**
 * The search index's deltas: push changes laid over the published version until the next full
 * build. Each changed person or group is one item (the newest record wins, so two worker batches
 * never lose each other's changes) in the pointer's partition, tagged with a sequence number from
 * the pointer item's `deltaSeq` counter. A batch takes a number (one atomic ADD), reads the records,
 * writes its items with it, then bumps the counter again, so a reader that sees the counter move finds the items
 * written. A full build reads the counter before it reads the directory: every delta at or below
 * that number is in the build (its table write came first), so readers skip them (`baseSeq`).
 */
export interface IndexHead {
  /** The published version's pointer, when one is published (see people-index-store.ts). */
  readonly pointer?: Record<string, unknown>;
  readonly stale: boolean;
  /** How many times the index was marked stale: a build clears the mark only if none came since it read this. */
  readonly staleMarks: number;
  /** Moves whenever deltas were written: what a reader compares to know whether to read them. */
  readonly deltaSeq: number;
  /** Delta records written since the table was created (a record counted once per write). */
  readonly deltaItems: number;
}

/** The pointer item: the published version and the delta counters, in one strongly consistent GetItem (< 1 KB: one read unit). */
export async function readIndexHead(db: DynamoDBDocumentClient, tableName: string): Promise<IndexHead> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.searchIndexPointer, ConsistentRead: true }));
  return {
    ...(Item?.pointer ? { pointer: Item.pointer as Record<string, unknown> } : {}),
    stale: Item?.stale === true,
    staleMarks: (Item?.staleMarks as number | undefined) ?? 0,
    deltaSeq: (Item?.deltaSeq as number | undefined) ?? 0,
    deltaItems: (Item?.deltaItems as number | undefined) ?? 0,
  };
}

async function bumpDeltaCounters(db: DynamoDBDocumentClient, tableName: string, items: number): Promise<IndexHead> {
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.searchIndexPointer,
      UpdateExpression: 'ADD deltaSeq :one, deltaItems :items',
      ExpressionAttributeValues: { ':one': 1, ':items': items },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return {
    stale: Attributes?.stale === true,
    staleMarks: (Attributes?.staleMarks as number | undefined) ?? 0,
    deltaSeq: Attributes!.deltaSeq as number,
    deltaItems: Attributes!.deltaItems as number,
  };
}

export interface IndexRecords {
  readonly people: ReadonlyMap<string, PersonRecord | null>;
  readonly groups: ReadonlyMap<string, GroupRecord | null>;
}

/**
 * Takes the sequence number for a batch of deltas. Take it before reading the records from the
 * table: a higher number then always holds a state read later, so for one person the newest wins.
 */
export async function takeDeltaSeq(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  return (await bumpDeltaCounters(db, tableName, 0)).deltaSeq;
}

/** Conditional puts in flight at once. */
const DELTA_WRITES_IN_FLIGHT = 16;

/**
 * Writes the records as deltas numbered `seq` (null: no longer listed); answers the counters after
 * the write. Each put is conditional on holding no newer number: two batches (or a batch and
 * sign-in's one-user fetch) that overlap on one person cannot let the older state land last, which
 * an unconditional BatchWriteItem allowed. The same write units as a batch.
 */
export async function writeIndexDeltas(
  db: DynamoDBDocumentClient,
  tableName: string,
  seq: number,
  records: IndexRecords,
): Promise<IndexHead> {
  const count = records.people.size + records.groups.size;
  const items: Array<[ItemKey, PersonRecord | GroupRecord | null]> = [
    ...[...records.people].map(([id, record]): [ItemKey, PersonRecord | null] => [KEYS.searchIndexDelta('person', id), record]),
    ...[...records.groups].map(([id, record]): [ItemKey, GroupRecord | null] => [KEYS.searchIndexDelta('group', id), record]),
  ];
  await forEachConcurrent(items, DELTA_WRITES_IN_FLIGHT, async ([key, record]) => {
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, seq, record },
          ConditionExpression: 'attribute_not_exists(seq) OR seq < :seq',
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // a newer state is there already
    }
  });
  return bumpDeltaCounters(db, tableName, count);
}

interface DeltaItem {
  readonly sk: string;
  readonly seq: number;
  readonly record: PersonRecord | GroupRecord | null;
}

const isPerson = (sk: string) => sk.startsWith(KEYS.searchIndexDelta('person', '').sk);

/** The deltas newer than `afterSeq`, as a patch: one strongly consistent Query of the pointer's partition. */
export async function readIndexDeltas(db: DynamoDBDocumentClient, tableName: string, afterSeq: number): Promise<IndexPatch> {
  const items = await queryAll<DeltaItem>(db, {
    TableName: tableName,
    ...prefixQuery(KEYS.searchIndexDeltas),
    ConsistentRead: true,
  });
  const people = new Map<string, PersonRecord | null>();
  const groups = new Map<string, GroupRecord | null>();
  for (const { sk, seq, record } of items) {
    if (seq <= afterSeq) continue;
    const id = sk.slice(KEYS.searchIndexDelta('person', '').sk.length);
    if (isPerson(sk)) people.set(id, record as PersonRecord | null);
    else groups.set(id, record as GroupRecord | null);
  }
  return { people, groups };
}

/** Deletes the deltas a published build contains (`seq` ≤ `upToSeq`); one rewritten since is kept (conditional delete). */
export async function deleteIndexDeltas(db: DynamoDBDocumentClient, tableName: string, upToSeq: number): Promise<number> {
  const items = await queryAll<DeltaItem>(db, {
    TableName: tableName,
    ...prefixQuery(KEYS.searchIndexDeltas),
    ProjectionExpression: 'pk, sk, seq',
  });
  let deleted = 0;
  for (const { sk, seq } of items) {
    if (seq > upToSeq) continue;
    try {
      await db.send(
        new DeleteCommand({
          TableName: tableName,
          Key: { pk: KEYS.searchIndexDeltas.pk, sk },
          ConditionExpression: 'seq <= :upTo',
          ExpressionAttributeValues: { ':upTo': upToSeq },
        }),
      );
      deleted += 1;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  return deleted;
}

/**
 * Stored users and groups by id, strongly consistent (what the worker just wrote). GetItem calls,
 * 25 at a time, rather than BatchGetItem: the same read units, and no extra grant for the functions
 * that run a targeted sync (the sync function serves sign-in's one-user fetch).
 */
export async function readStoredForIndex(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<Array<Record<string, unknown>>> {
  const found: Array<Record<string, unknown>> = [];
  for (let i = 0; i < keys.length; i += 25) {
    const items = await Promise.all(
      keys.slice(i, i + 25).map(async (Key) => {
        const { Item } = await db.send(
          new GetCommand({
            TableName: tableName,
            Key,
            ConsistentRead: true,
            ProjectionExpression: '#user, #group, directMembersCount',
            ExpressionAttributeNames: { '#user': 'user', '#group': 'group' },
          }),
        );
        return Item;
      }),
    );
    for (const item of items) if (item) found.push(item);
  }
  return found;
}
