import { isConditionFailure } from './conditional.js';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query.js';
import { fromSortKeyQuery, indexQuery, KEYS } from './table-definition.js';

/** How long a message number is remembered: Google retries a failed delivery for well under a day. */
const SEEN_TTL_SECONDS = 24 * 3600;
/** Hourly stats are kept for a week (the health view reads the last day). */
const STATS_TTL_SECONDS = 7 * 24 * 3600;

/** What a channel watches: Directory users, or the Reports activities of one application. */
export type WatchedFeed = 'users' | 'admin' | 'groups_enterprise';
export const WATCHED_FEEDS: readonly WatchedFeed[] = ['users', 'admin', 'groups_enterprise'];

/** A notification channel as the intranet keeps it: never the token itself, only its SHA-256. */
export interface ChannelRecord {
  readonly id: string;
  readonly feed: WatchedFeed;
  /** Google's opaque id of the watched resource (X-Goog-Resource-ID); needed to stop the channel. */
  readonly resourceId: string;
  readonly tokenHash: string;
  /** Epoch ms, as Google answered the watch. */
  readonly expiresAt: number;
  readonly openedAt: number;
  readonly status: 'active' | 'stopped';
  readonly stoppedAt?: number;
  readonly lastMessageNumber?: number;
  readonly lastMessageAt?: number;
}

export async function saveChannel(db: DynamoDBDocumentClient, tableName: string, channel: ChannelRecord): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...KEYS.pushChannel(channel.id), gsi1pk: KEYS.pushChannels.partition, gsi1sk: channel.id, channel },
    }),
  );
}

/** Google's answer to the watch: the resource id and the expiry it granted (other fields, e.g. an early sync message, kept). */
export async function activateChannel(
  db: DynamoDBDocumentClient,
  tableName: string,
  channelId: string,
  resourceId: string,
  expiresAt: number,
): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.pushChannel(channelId),
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'SET #channel.resourceId = :r, #channel.expiresAt = :e',
      ExpressionAttributeNames: { '#channel': 'channel' },
      ExpressionAttributeValues: { ':r': resourceId, ':e': expiresAt },
    }),
  );
}

export async function getChannel(db: DynamoDBDocumentClient, tableName: string, channelId: string): Promise<ChannelRecord | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.pushChannel(channelId) }));
  return Item?.channel as ChannelRecord | undefined;
}

export async function listChannels(db: DynamoDBDocumentClient, tableName: string): Promise<ChannelRecord[]> {
  const items = await queryAll<{ channel: ChannelRecord }>(db, {
    TableName: tableName,
    ...indexQuery(KEYS.pushChannels),
    ProjectionExpression: '#channel',
    ExpressionAttributeNames: { '#channel': 'channel' },
  });
  return items.map((i) => i.channel);
}

export async function markChannelStopped(db: DynamoDBDocumentClient, tableName: string, channelId: string, at: number): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.pushChannel(channelId),
      ConditionExpression: 'attribute_exists(pk)',
      UpdateExpression: 'SET #channel.#status = :stopped, #channel.stoppedAt = :at',
      ExpressionAttributeNames: { '#channel': 'channel', '#status': 'status' },
      ExpressionAttributeValues: { ':stopped': 'stopped', ':at': at },
    }),
  );
}

export async function deleteChannel(db: DynamoDBDocumentClient, tableName: string, channelId: string): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName, Key: KEYS.pushChannel(channelId) }));
}

/** The channel's latest message, for push health; a later number already recorded wins. */
export async function noteChannelMessage(
  db: DynamoDBDocumentClient,
  tableName: string,
  channelId: string,
  messageNumber: number,
  at: number,
): Promise<void> {
  await db
    .send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.pushChannel(channelId),
        UpdateExpression: 'SET #channel.lastMessageNumber = :n, #channel.lastMessageAt = :at',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(#channel.lastMessageNumber) OR #channel.lastMessageNumber < :n)',
        ExpressionAttributeNames: { '#channel': 'channel' },
        ExpressionAttributeValues: { ':n': messageNumber, ':at': at },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/**
 * Takes a message number once: true the first time this channel's number is seen, false for a
 * duplicate or replay (one conditional put; the item expires after a day). Out-of-order numbers
 * are each taken once, unlike a high-water mark that would drop a late, older message.
 */
export async function takeMessage(
  db: DynamoDBDocumentClient,
  tableName: string,
  channelId: string,
  messageNumber: number,
  nowMs: number,
): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...KEYS.pushSeenMessage(channelId, messageNumber), expiresAt: Math.floor(nowMs / 1000) + SEEN_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Gives a taken message back (its work could not be queued), so Google's retry is not dropped as a duplicate. */
export async function releaseMessage(
  db: DynamoDBDocumentClient,
  tableName: string,
  channelId: string,
  messageNumber: number,
): Promise<void> {
  await db.send(new DeleteCommand({ TableName: tableName, Key: KEYS.pushSeenMessage(channelId, messageNumber) }));
}

export interface HourStats {
  readonly hour: string;
  readonly applied: number;
  readonly lagsMs: readonly number[];
}

/** Adds applied changes and their lags (change in Google → stored here) to the hour's counters. */
/**
 * Lags kept per hour for the percentiles: a sample of the hour's first changes, so a bulk change of
 * tens of thousands of people cannot grow the item toward DynamoDB's 400 KB limit.
 */
export const LAG_SAMPLES_PER_HOUR = 2_000;

export async function recordApplied(db: DynamoDBDocumentClient, tableName: string, at: Date, lagsMs: readonly number[]): Promise<void> {
  if (lagsMs.length === 0) return;
  const key = KEYS.pushStatsHour(at);
  const expires = Math.floor(at.getTime() / 1000) + STATS_TTL_SECONDS;
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD applied :n SET lagsMs = list_append(if_not_exists(lagsMs, :empty), :lags), expiresAt = :expires',
        ConditionExpression: 'attribute_not_exists(lagsMs) OR size(lagsMs) < :cap',
        ExpressionAttributeValues: {
          ':n': lagsMs.length,
          ':lags': lagsMs.slice(0, LAG_SAMPLES_PER_HOUR).map((l) => Math.max(0, Math.round(l))),
          ':empty': [],
          ':expires': expires,
          ':cap': LAG_SAMPLES_PER_HOUR,
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // The hour's sample is full: count the changes, keep the sample.
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'ADD applied :n SET expiresAt = :expires',
        ExpressionAttributeValues: { ':n': lagsMs.length, ':expires': expires },
      }),
    );
  }
}

/** The hourly counters from `since` on. */
export async function readStats(db: DynamoDBDocumentClient, tableName: string, since: Date): Promise<HourStats[]> {
  const items = await queryAll<{ sk: string; applied?: number; lagsMs?: number[] }>(db, {
    TableName: tableName,
    ...fromSortKeyQuery(KEYS.pushStats, KEYS.pushStatsHour(since).sk),
  });
  return items.map((i) => ({ hour: KEYS.pushStatsHourOf(i.sk), applied: i.applied ?? 0, lagsMs: i.lagsMs ?? [] }));
}
