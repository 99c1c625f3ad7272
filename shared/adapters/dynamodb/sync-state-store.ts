import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { batchWriteAll } from './batch.js';
import { isConditionFailure, isTransactionConditionFailure } from './conditional.js';
import { queryAll } from './query.js';
import type { DeletionSample, PendingDiff, RunRecord, RunStatus, SyncCounts, SyncProgress } from '../../contract/api.js';
import { emptyDelta, type SnapshotDelta } from '../../domain/sync/snapshot.js';
import { KEYS, partitionQuery } from './table-definition.js';

/**
 * The sync's own bookkeeping, beside the directory in the same table: the run lease, the checkpoint,
 * staged snapshot chunks, the pending diff and the run records (keys and item shapes: table-definition.ts).
 * Staged chunks and the checkpoint expire by TTL, so an abandoned run leaves nothing for ever.
 */

/** Staged snapshots and checkpoints older than this are abandoned: page tokens and data would be stale. */
export const CHECKPOINT_MAX_AGE_MS = 2 * 60 * 60 * 1000;
/** Under DynamoDB's 400 KB item limit, with room for keys. */
const PART_BYTES = 350_000;
const RUN_RECORD_RETENTION_DAYS = 90;

const epochSeconds = (ms: number) => Math.floor(ms / 1000);

export class SyncStateStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Takes the run lease if it is free, expired, or already ours (a conditional write, so two
   * invocations can never both hold it). False when another run holds it.
   */
  async acquireLease(owner: string, now: number, durationMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...KEYS.syncLease, owner, leaseUntil: now + durationMs, expiresAt: epochSeconds(now + durationMs) + 60 },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Extends our lease; false when it is no longer ours (it expired and another run took it). */
  async renewLease(owner: string, now: number, durationMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...KEYS.syncLease, owner, leaseUntil: now + durationMs, expiresAt: epochSeconds(now + durationMs) + 60 },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(owner: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: KEYS.syncLease,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getCheckpoint(): Promise<Checkpoint | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: KEYS.syncCheckpoint, ConsistentRead: true }));
    return Item ? (Item.checkpoint as Checkpoint) : undefined;
  }

  /**
   * Writes the checkpoint. Fenced: it only succeeds while `checkpoint.owner` is the owner on record,
   * so a stalled invocation that lost its lease cannot overwrite a newer one's progress, nor bring
   * back a checkpoint the run's new owner finished and deleted. `first` (a run's first checkpoint)
   * needs there to be none; `takeOver` is for the invocation that holds the lease now.
   */
  async putCheckpoint(checkpoint: Checkpoint, options: { first?: boolean; takeOver?: boolean } = {}): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...KEYS.syncCheckpoint,
          checkpoint,
          expiresAt: epochSeconds(Date.parse(checkpoint.startedAt) + CHECKPOINT_MAX_AGE_MS) + 86_400,
        },
        ...(options.takeOver
          ? {}
          : options.first
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'checkpoint.#owner = :owner',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: { ':owner': checkpoint.owner },
              }),
      }),
    );
  }

  /** Deletes the checkpoint; given an owner, only that owner's (a finished run must not delete its successor's). */
  async deleteCheckpoint(owner?: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: KEYS.syncCheckpoint,
        ...(owner === undefined
          ? {}
          : {
              ConditionExpression: 'checkpoint.#owner = :owner',
              ExpressionAttributeNames: { '#owner': 'owner' },
              ExpressionAttributeValues: { ':owner': owner },
            }),
      }),
    );
  }

  /**
   * Stages one delta as gzip'd parts under a fresh `chunkId`; the checkpoint that lists the id is
   * written after, so a half-written chunk is never read. Ids are never reused, so nothing staged is
   * ever overwritten: a stalled invocation that lost the run only adds chunks no checkpoint lists.
   */
  async stageChunk(runId: string, chunkId: string, delta: SnapshotDelta, now: number): Promise<number> {
    const data = gzipSync(JSON.stringify(delta));
    const parts: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += PART_BYTES) parts.push(data.subarray(offset, offset + PART_BYTES));
    const expiresAt = epochSeconds(now + CHECKPOINT_MAX_AGE_MS) + 86_400;
    await batchWriteAll(
      this.db,
      this.tableName,
      parts.map((part, index) => ({
        PutRequest: { Item: { ...KEYS.stagedChunk(runId, chunkId, index), data: part, parts: parts.length, expiresAt } },
      })),
    );
    return parts.length;
  }

  /** The staged deltas a checkpoint lists, in its order (chunks it does not list are ignored). */
  async readChunks(runId: string, chunkIds: readonly string[]): Promise<SnapshotDelta[]> {
    const items = await queryAll<{ sk: string; data: Uint8Array; parts: number }>(this.db, {
      TableName: this.tableName,
      ...partitionQuery(KEYS.stagedRun(runId)),
      ConsistentRead: true,
    });
    const byId = new Map<string, { parts: number; data: Uint8Array[] }>();
    for (const item of items) {
      const chunkId = item.sk.split('#')[1]!;
      const entry = byId.get(chunkId) ?? { parts: item.parts, data: [] };
      entry.data.push(item.data);
      byId.set(chunkId, entry);
    }
    return chunkIds.map((chunkId) => {
      const entry = byId.get(chunkId);
      if (!entry || entry.data.length !== entry.parts) throw new Error(`Staged chunk ${chunkId} of run ${runId} is incomplete.`);
      // Over the empty delta: a chunk staged before a delta part existed (a run resumed across a deploy) reads as not having it.
      return { ...emptyDelta(), ...(JSON.parse(gunzipSync(Buffer.concat(entry.data)).toString('utf8')) as Partial<SnapshotDelta>) };
    });
  }

  /** Records a run that never got going (its setup failed): a new run id, so there is nothing to fence or keep. */
  async putRunRecord(record: RunRecord): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...runRecordKey(record), record, expiresAt: runRecordExpiry(record) } }),
    );
  }

  /**
   * Records a run's outcome, only while `leaseOwner` holds the lease (a transaction with a check of
   * the lease item): an invocation that stalled past its lease cannot overwrite what the invocation
   * that took the run over records. The errors of earlier invocations of the run (one that failed
   * before a resumed one) are kept in front of this one's. Undefined when the lease is no longer ours.
   */
  async recordRun(record: RunRecord, leaseOwner: string): Promise<RunRecord | undefined> {
    const key = runRecordKey(record);
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    const recorded: RunRecord = { ...record, errors: [...((Item?.record as RunRecord | undefined)?.errors ?? []), ...record.errors] };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: KEYS.syncLease,
                ConditionExpression: '#owner = :owner',
                ExpressionAttributeNames: { '#owner': 'owner' },
                ExpressionAttributeValues: { ':owner': leaseOwner },
              },
            },
            { Put: { TableName: this.tableName, Item: { ...key, record: recorded, expiresAt: runRecordExpiry(record) } } },
          ],
        }),
      );
      return recorded;
    } catch (error) {
      if (isTransactionConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async getPendingDiff(): Promise<PendingDiff | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: KEYS.syncPending }));
    return Item?.pending as PendingDiff | undefined;
  }

  async putPendingDiff(pending: PendingDiff): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...KEYS.syncPending, pending } }));
  }

  async deletePendingDiff(): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: KEYS.syncPending }));
  }
}

const runRecordKey = (record: RunRecord) => KEYS.runRecord(record.startedAt, record.runId);
const runRecordExpiry = (record: RunRecord) => epochSeconds(Date.parse(record.startedAt)) + RUN_RECORD_RETENTION_DAYS * 86_400;

/** The newest run records, newest first (for the admin page of a later issue). */
/** The run records (`{ record: RunRecord }` items), newest first. */
export function runRecordsQuery(tableName: string): QueryCommandInput {
  return {
    TableName: tableName,
    ...partitionQuery(KEYS.runRecords),
    ScanIndexForward: false,
    ProjectionExpression: '#record',
    ExpressionAttributeNames: { '#record': 'record' },
  };
}

export async function listRunRecords(db: DynamoDBDocumentClient, tableName: string, limit = 20): Promise<RunRecord[]> {
  const { Items } = await db.send(new QueryCommand({ ...runRecordsQuery(tableName), Limit: limit }));
  return (Items ?? []).map((i) => i.record as RunRecord);
}

/** The diff the guard refused last, if an admin has not forced or superseded it. */
export async function getPendingDiff(db: DynamoDBDocumentClient, tableName: string): Promise<PendingDiff | undefined> {
  return new SyncStateStore(db, tableName).getPendingDiff();
}

/** The run in progress as admins see it (phase and counts from its checkpoint), or null when none is. */
export async function getSyncProgress(db: DynamoDBDocumentClient, tableName: string): Promise<SyncProgress | null> {
  const checkpoint = await new SyncStateStore(db, tableName).getCheckpoint();
  if (!checkpoint) return null;
  const { runId, startedAt, force, phase, chunks, stats, approvedCounts } = checkpoint;
  return { runId, startedAt, force, phase, stagedChunks: chunks.length, ...stats, ...(approvedCounts ? { counts: approvedCounts } : {}) };
}

export interface RunStats {
  apiCalls: number;
  retries: number;
  itemWrites: number;
  invocations: number;
}

/** Progress of a run across invocations. */
export interface Checkpoint {
  readonly runId: string;
  /** The invocation that may write this checkpoint now (fencing). */
  readonly owner: string;
  readonly startedAt: string;
  readonly force: boolean;
  readonly phase: 'fetching' | 'applying';
  /** Ids of the staged deltas, in order: replaying them rebuilds the snapshot. */
  readonly chunks: readonly string[];
  readonly stats: RunStats;
  /** Set once the guard passed (or was forced): the counts of the approved plan. */
  readonly approvedCounts?: SyncCounts;
  /** Hand-overs in a row whose invocation staged no page: how a run notices it is going nowhere. */
  readonly idleHandOvers?: number;
}

/** Run records and pending diffs are stored as the admin API answers them (the wire contract's shapes). */
export type { DeletionSample, PendingDiff, RunRecord, RunStatus };
