/**
 * The channel manager, run on a schedule: keeps one live channel per watched feed (Directory
 * users, admin and groups_enterprise activities), opens the successor well before the current one
 * expires, lets the two overlap so no change falls between them, then stops the old one.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  activateChannel,
  deleteChannel,
  listChannels,
  markChannelStopped,
  saveChannel,
  WATCHED_FEEDS,
  type ChannelRecord,
  type WatchedFeed,
} from '../../adapters/dynamodb/push-channels.js';
import type { WatchClient } from '../../adapters/google/watch.js';
import { hashChannelToken, newChannelToken } from '../../domain/push/token.js';

export interface ChannelPolicy {
  /** The channel life asked of Google. */
  readonly ttlMs: number;
  /** A successor is opened when the live channel has less than this left. */
  readonly renewBeforeMs: number;
  /** The old channel is stopped only once its successor has been open this long. */
  readonly overlapMs: number;
}

export const DEFAULT_CHANNEL_POLICY: ChannelPolicy = { ttlMs: 6 * 3_600_000, renewBeforeMs: 90 * 60_000, overlapMs: 10 * 60_000 };
/** The default policy for a channel life: renew with 90 minutes left, or half the life for short-lived channels. */
export function channelPolicy(ttlMs: number): ChannelPolicy {
  return { ...DEFAULT_CHANNEL_POLICY, ttlMs, renewBeforeMs: Math.min(DEFAULT_CHANNEL_POLICY.renewBeforeMs, ttlMs / 2) };
}

/** Stopped and expired channel records are kept a week, for the health view. */
const KEEP_STOPPED_MS = 7 * 86_400_000;

export interface ManagerDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly watch: WatchClient;
  /** The receiver's public address (https in AWS). */
  readonly address: string;
  readonly now: () => number;
  readonly policy?: ChannelPolicy;
}

export interface ManagerReport {
  readonly opened: readonly string[];
  readonly stopped: readonly string[];
  /** Channels the run found still open past their expiry (what the ChannelsPastExpiry alarm counts). */
  readonly pastExpiry: number;
  readonly failures: readonly { readonly feed: WatchedFeed; readonly message: string }[];
}

export async function manageChannels(deps: ManagerDeps): Promise<ManagerReport> {
  const policy = deps.policy ?? DEFAULT_CHANNEL_POLICY;
  const opened: string[] = [];
  const stopped: string[] = [];
  let pastExpiry = 0;
  const failures: Array<{ feed: WatchedFeed; message: string }> = [];
  const channels = await listChannels(deps.db, deps.tableName);
  for (const feed of WATCHED_FEEDS) {
    const now = deps.now();
    const active = channels.filter((c) => c.feed === feed && c.status === 'active');
    for (const expired of active.filter((c) => c.expiresAt <= now)) {
      await markChannelStopped(deps.db, deps.tableName, expired.id, now);
      stopped.push(expired.id);
      pastExpiry += 1;
    }
    const live = active.filter((c) => c.expiresAt > now).sort((a, b) => b.openedAt - a.openedAt);
    let newest = live[0];
    if (!newest || newest.expiresAt - now < policy.renewBeforeMs) {
      try {
        newest = await openChannel(deps, feed, policy);
        opened.push(newest.id);
      } catch (error) {
        failures.push({ feed, message: error instanceof Error ? error.message : String(error) });
      }
    }
    for (const old of live) {
      if (old === newest || !newest || now - newest.openedAt < policy.overlapMs) continue;
      try {
        await deps.watch.stop(feed, old.id, old.resourceId);
      } catch (error) {
        // Google's 404: already gone. Anything else: it expires by itself; the record is closed either way.
        failures.push({ feed, message: `stopping ${old.id}: ${error instanceof Error ? error.message : String(error)}` });
      }
      await markChannelStopped(deps.db, deps.tableName, old.id, now);
      stopped.push(old.id);
    }
  }
  const now = deps.now();
  for (const old of channels)
    if (old.status === 'stopped' && (old.stoppedAt ?? 0) < now - KEEP_STOPPED_MS) await deleteChannel(deps.db, deps.tableName, old.id);
  return { opened, stopped, pastExpiry, failures };
}

/** Stops every live channel (push turned off, or an uninstall). */
export async function stopAllChannels(deps: Omit<ManagerDeps, 'address' | 'policy'>): Promise<string[]> {
  const stopped: string[] = [];
  for (const channel of await listChannels(deps.db, deps.tableName)) {
    if (channel.status !== 'active') continue;
    await deps.watch.stop(channel.feed, channel.id, channel.resourceId).catch(() => undefined);
    await markChannelStopped(deps.db, deps.tableName, channel.id, deps.now());
    stopped.push(channel.id);
  }
  return stopped;
}

async function openChannel(deps: ManagerDeps, feed: WatchedFeed, policy: ChannelPolicy): Promise<ChannelRecord> {
  const id = `${feed}-${randomUUID()}`;
  const token = newChannelToken();
  const openedAt = deps.now();
  // Stored before the watch: Google's sync message can arrive before the watch call returns.
  const pending: ChannelRecord = {
    id,
    feed,
    resourceId: '',
    tokenHash: hashChannelToken(token),
    expiresAt: openedAt + policy.ttlMs,
    openedAt,
    status: 'active',
  };
  await saveChannel(deps.db, deps.tableName, pending);
  try {
    const answer = await deps.watch.watch(feed, { id, token, address: deps.address, expiresAt: openedAt + policy.ttlMs });
    await activateChannel(deps.db, deps.tableName, id, answer.resourceId, answer.expiresAt);
    return { ...pending, resourceId: answer.resourceId, expiresAt: answer.expiresAt };
  } catch (error) {
    await deleteChannel(deps.db, deps.tableName, id);
    throw error;
  }
}
