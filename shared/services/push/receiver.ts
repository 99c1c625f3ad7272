/**
 * The receiver of Google's push notifications (users.watch, activities.watch). It trusts nothing
 * until the channel is known and its secret token matches, never calls Google, and answers within
 * a few DynamoDB calls: every notification either becomes queued work (2xx) or a 4xx JSON answer.
 *
 *   1. shape: headers present and well formed, body at most 64 KB → else 400/413
 *   2. channel: known → else 404; token matches its hash (constant time) → else 401;
 *      resource id matches → else 403; not long past expiry → else 410
 *   3. dedupe: the channel's message number taken once (conditional put) → a duplicate or replay is 200, no work
 *   4. work: the changed user or group handed to the queue (a `sync` message has none)
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { HttpError, json, type HttpRequest, type HttpResponse } from '../../http/http.js';
import type { ChangeQueue, PushChange } from '../../domain/push/changes.js';
import { getChannel, noteChannelMessage, releaseMessage, takeMessage, type ChannelRecord } from '../../adapters/dynamodb/push-channels.js';
import { channelTokenMatches } from '../../domain/push/token.js';
import { isGoogleUserId } from '../../domain/directory/google-ids.js';

export const MAX_NOTIFICATION_BYTES = 64 * 1024;
/** The headers of Google's notifications the receiver reads: CloudFront forwards these and no other viewer header (infra/constructs/site.ts). */
export const NOTIFICATION_HEADERS = [
  'x-goog-channel-id',
  'x-goog-channel-token',
  'x-goog-resource-id',
  'x-goog-resource-state',
  'x-goog-message-number',
] as const;
/** Notifications sent just before expiry can arrive just after it. */
const EXPIRY_GRACE_MS = 5 * 60_000;

export interface ReceiverDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly queue: ChangeQueue;
  readonly now: () => number;
}

interface NotificationHeaders {
  readonly channelId: string;
  readonly token: string;
  readonly resourceId: string;
  readonly state: string;
  readonly messageNumber: number;
}

export async function receiveNotification(request: HttpRequest, deps: ReceiverDeps): Promise<HttpResponse> {
  const body = request.body ?? '';
  if (Buffer.byteLength(body) > MAX_NOTIFICATION_BYTES)
    throw new HttpError(413, 'body_too_large', `A notification is at most ${MAX_NOTIFICATION_BYTES} bytes.`);
  const headers = notificationHeaders(request.headers);
  const channel = await getChannel(deps.db, deps.tableName, headers.channelId);
  if (!channel) throw new HttpError(404, 'unknown_channel', 'No notification channel has this id.');
  verify(channel, headers, deps.now());
  // Parsed before the message is taken: a malformed body is refused without using up its number.
  const now = deps.now();
  const changes = headers.state === 'sync' ? [] : changesOf(channel, headers, body, now);
  if (!(await takeMessage(deps.db, deps.tableName, channel.id, headers.messageNumber, now))) return json(200, { status: 'duplicate' });
  if (changes.length > 0) {
    try {
      await deps.queue.enqueue(changes);
    } catch (error) {
      await releaseMessage(deps.db, deps.tableName, channel.id, headers.messageNumber);
      throw error;
    }
  }
  await noteChannelMessage(deps.db, deps.tableName, channel.id, headers.messageNumber, now);
  return json(200, { status: 'accepted', changes: changes.length });
}

function notificationHeaders(headers: Readonly<Record<string, string>>): NotificationHeaders {
  const channelId = headers['x-goog-channel-id'] ?? '';
  const token = headers['x-goog-channel-token'] ?? '';
  const resourceId = headers['x-goog-resource-id'] ?? '';
  const state = headers['x-goog-resource-state'] ?? '';
  const number = headers['x-goog-message-number'] ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(channelId))
    throw new HttpError(400, 'invalid_notification', 'X-Goog-Channel-ID is missing or malformed.');
  if (token.length === 0 || token.length > 256)
    throw new HttpError(400, 'invalid_notification', 'X-Goog-Channel-Token is missing or malformed.');
  if (!/^[A-Za-z0-9_=+/-]{1,256}$/.test(resourceId))
    throw new HttpError(400, 'invalid_notification', 'X-Goog-Resource-ID is missing or malformed.');
  if (!/^[A-Za-z_]{1,64}$/.test(state)) throw new HttpError(400, 'invalid_notification', 'X-Goog-Resource-State is missing or malformed.');
  if (!/^[1-9]\d{0,14}$/.test(number)) throw new HttpError(400, 'invalid_notification', 'X-Goog-Message-Number is missing or malformed.');
  return { channelId, token, resourceId, state, messageNumber: Number(number) };
}

function verify(channel: ChannelRecord, headers: NotificationHeaders, now: number): void {
  if (!channelTokenMatches(headers.token, channel.tokenHash))
    throw new HttpError(401, 'invalid_token', 'The channel token does not match.');
  // A channel is stored before Google answers the watch; only its sync message can come before the resource id does.
  const opening = channel.resourceId === '' && headers.state === 'sync';
  if (!opening && headers.resourceId !== channel.resourceId)
    throw new HttpError(403, 'wrong_resource', "The resource id is not this channel's.");
  if (now > channel.expiresAt + EXPIRY_GRACE_MS) throw new HttpError(410, 'channel_expired', 'The channel has expired.');
}

function changesOf(channel: ChannelRecord, headers: NotificationHeaders, body: string, receivedAt: number): PushChange[] {
  const parsed = parseJsonObject(body);
  const origin = { channelId: channel.id, messageNumber: headers.messageNumber, receivedAt };
  if (channel.feed === 'users') {
    const id = parsed.id;
    if (!isGoogleUserId(id)) throw new HttpError(400, 'invalid_notification', 'A users notification names the user by its user id.');
    return [{ kind: 'user', userId: id, event: headers.state, ...origin }];
  }
  return groupChanges(parsed, origin);
}

/** The groups an audit activity names: GROUP_EMAIL (admin) or group_id / group_email (groups_enterprise). */
function groupChanges(
  activity: Record<string, unknown>,
  origin: Pick<PushChange, 'channelId' | 'messageNumber' | 'receivedAt'>,
): PushChange[] {
  const events = activity.events;
  if (!Array.isArray(events) || events.length === 0 || events.length > 100)
    throw new HttpError(400, 'invalid_notification', 'An activity notification carries 1 to 100 events.');
  const time = Date.parse(String((activity.id as { time?: unknown } | undefined)?.time ?? ''));
  const changes = new Map<string, PushChange>();
  for (const event of events as Array<{ name?: unknown; parameters?: unknown }>) {
    const parameters = Array.isArray(event?.parameters) ? (event.parameters as Array<{ name?: unknown; value?: unknown }>) : [];
    for (const p of parameters) {
      if (!['GROUP_EMAIL', 'group_email', 'group_id'].includes(String(p?.name)) || typeof p.value !== 'string') continue;
      const groupKey = p.value.toLowerCase();
      if (!isGroupKey(groupKey)) continue;
      changes.set(groupKey, {
        kind: 'group',
        groupKey,
        event: typeof event.name === 'string' ? event.name.slice(0, 64) : 'unknown',
        ...origin,
        ...(Number.isFinite(time) ? { changedAt: time } : {}),
      });
    }
  }
  return [...changes.values()];
}

/**
 * groups.get takes the group's address or its id. The admin feed names groups by address
 * (GROUP_EMAIL); groups_enterprise's group_id is documented only as "identifier of the target
 * group", so a Google group id (lowercase letters and digits) is taken as well as an address.
 */
function isGroupKey(key: string): boolean {
  return key.length <= 254 && (/^[^@\s/]+@[^@\s/]+$/.test(key) || /^[0-9a-z]{1,64}$/.test(key));
}

function parseJsonObject(body: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'invalid_notification', 'The notification body is not a JSON object.');
}
