/**
 * Push health, for the admin page, the CLI and the scheduled full sync: which feeds have a live
 * channel and until when, the last notification, changes applied in the last hour and day with
 * their lag, and what the full sync does because of it (daily when push is healthy, hourly when not).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { listRunRecords, type RunRecord } from '../../adapters/dynamodb/sync-state-store.js';
import { listChannels, readStats, WATCHED_FEEDS, type ChannelRecord } from '../../adapters/dynamodb/push-channels.js';
import type { FeedHealth, PushHealth, PushStatus, Reconciliation } from '../../contract/api.js';

const HOUR = 3_600_000;
/** With push healthy, the full sync still reconciles once a day: it repairs whatever notifications missed. */
export const RECONCILE_EVERY_MS = 24 * HOUR;

export async function pushHealth(db: DynamoDBDocumentClient, tableName: string, now: number): Promise<PushHealth> {
  const [channels, stats, runs] = await Promise.all([
    listChannels(db, tableName),
    readStats(db, tableName, new Date(now - 24 * HOUR)),
    listRunRecords(db, tableName, 50),
  ]);
  const feeds = WATCHED_FEEDS.map((feed): FeedHealth => {
    const live = channels
      .filter((c) => c.feed === feed && c.status === 'active' && c.expiresAt > now && c.resourceId !== '')
      .sort((a, b) => b.expiresAt - a.expiresAt)[0];
    const last = Math.max(0, ...channels.filter((c) => c.feed === feed).map((c) => c.lastMessageAt ?? 0));
    return {
      feed,
      live: live !== undefined,
      ...(live ? { channelId: live.id, expiresAt: new Date(live.expiresAt).toISOString() } : {}),
      ...(last > 0 ? { lastMessageAt: new Date(last).toISOString() } : {}),
    };
  });
  const channelsPastExpiry = channels.filter((c) => c.status === 'active' && c.expiresAt <= now).length;
  const lastHourKey = new Date(now - HOUR).toISOString().slice(0, 13);
  const lags = stats.flatMap((s) => s.lagsMs).sort((a, b) => a - b);
  const healthy = feeds.every((f) => f.live);
  const lastSucceeded = runs.find((r: RunRecord) => r.status === 'succeeded');
  const reconciliation = runs.find((r) => r.status === 'succeeded' && pushWasHealthyAt(channels, Date.parse(r.startedAt)));
  return {
    healthy,
    feeds,
    channelsPastExpiry,
    appliedLastHour: stats.filter((s) => s.hour >= lastHourKey).reduce((n, s) => n + s.applied, 0),
    appliedLastDay: stats.reduce((n, s) => n + s.applied, 0),
    ...(lags.length > 0 ? { lagP50Ms: percentile(lags, 0.5), lagP95Ms: percentile(lags, 0.95) } : {}),
    fullSync: {
      schedule: healthy ? 'daily' : 'hourly',
      reason: healthy
        ? 'Every feed has a live channel: changes arrive by push; the full sync reconciles once a day.'
        : `No live channel for ${feeds
            .filter((f) => !f.live)
            .map((f) => f.feed)
            .join(', ')}: the full sync runs every hour.`,
      ...(lastSucceeded ? { lastSucceededAt: lastSucceeded.startedAt } : {}),
      ...(reconciliation ? { lastReconciliation: reconciliationOf(reconciliation) } : {}),
    },
  };
}

/**
 * Push health as the admin page and the CLI show it, with PUSH_ENABLED: with push off, no channel
 * is opened or renewed and the scheduled full sync runs every hour, whatever old channel records say.
 */
export async function pushStatus(db: DynamoDBDocumentClient, tableName: string, enabled: boolean, now: number): Promise<PushStatus> {
  const health = await pushHealth(db, tableName, now);
  if (enabled) return { enabled, ...health };
  return {
    ...health,
    enabled,
    healthy: false,
    fullSync: { ...health.fullSync, schedule: 'hourly', reason: 'Push is off (PUSH_ENABLED=false): the full sync runs every hour.' },
  };
}

/** Whether every feed had a live channel at `at`, from the channel records (kept a week, stopped ones included). */
function pushWasHealthyAt(channels: readonly ChannelRecord[], at: number): boolean {
  return WATCHED_FEEDS.every((feed) =>
    channels.some(
      (c) =>
        c.feed === feed &&
        c.resourceId !== '' &&
        c.openedAt <= at &&
        c.expiresAt > at &&
        (c.status === 'active' || (c.stoppedAt ?? 0) > at),
    ),
  );
}

function reconciliationOf(run: RunRecord): Reconciliation {
  return {
    runId: run.runId,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    created: run.counts.created,
    updated: run.counts.updated,
    deleted: run.counts.deleted,
    memberships: { added: run.memberships.added, removed: run.memberships.removed },
  };
}

/**
 * Whether a scheduled full sync should run now. The schedule fires hourly; with push healthy the
 * run is skipped unless the last successful run is a day old, so the choice between daily and
 * hourly needs no change to the schedule itself.
 */
export async function scheduledSyncDue(
  db: DynamoDBDocumentClient,
  tableName: string,
  now: number,
): Promise<{ due: boolean; reason: string }> {
  const health = await pushHealth(db, tableName, now);
  if (!health.healthy) return { due: true, reason: health.fullSync.reason };
  const last = health.fullSync.lastSucceededAt ? Date.parse(health.fullSync.lastSucceededAt) : 0;
  // A little early, so an hourly schedule does not slip a day to 25 hours.
  if (now - last >= RECONCILE_EVERY_MS - 5 * 60_000) return { due: true, reason: 'Daily reconciliation.' };
  return { due: false, reason: `Push is healthy; the last full sync succeeded at ${health.fullSync.lastSucceededAt}.` };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
