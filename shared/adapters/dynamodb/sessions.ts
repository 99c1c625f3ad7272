import { isConditionFailure } from './conditional.js';
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Config } from '../../config/config.js';
import { accountBlock, type DirectoryUser } from '../../domain/directory/model.js';
import { describeDevice } from '../../domain/auth/device.js';
import { randomToken } from '../google/oidc-client.js';
import { indexQuery, KEYS } from './table-definition.js';

/**
 * The intranet's own sessions (OWASP ASVS 5.0 V7). The browser holds an opaque 256-bit random
 * identifier; the table holds only its SHA-256 (the session's public id), so a table dump does not
 * sign anyone in. Each item carries the user's directory record (denormalised, kept fresh by
 * directory sync through `refreshUserSessions`), so an API request costs one consistent read.
 * Keys and item shape: table-definition.ts.
 */
export interface SessionPolicy {
  readonly idleTimeoutMs: number;
  readonly absoluteLifetimeMs: number;
}

export function sessionPolicy(config: Pick<Config, 'sessionIdleTimeoutMinutes' | 'sessionAbsoluteLifetimeHours'>): SessionPolicy {
  return { idleTimeoutMs: config.sessionIdleTimeoutMinutes * 60_000, absoluteLifetimeMs: config.sessionAbsoluteLifetimeHours * 3_600_000 };
}

export interface Session {
  /** Public id: the hash of the identifier, safe to show and to use in URLs. */
  readonly id: string;
  readonly user: DirectoryUser;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  /** When the session ends unless used again (idle) or at the latest (absolute), whichever is first. */
  readonly expiresAt: string;
  readonly device: string;
}

interface SessionItem {
  readonly pk: string;
  readonly sk: string;
  readonly gsi1pk: string;
  readonly gsi1sk: string;
  readonly userId: string;
  readonly user: DirectoryUser;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly absoluteExpiresAt: number;
  /** Epoch seconds, DynamoDB TTL: removes the item some time after it stops being valid. */
  readonly expiresAt: number;
  readonly device: string;
}

/**
 * Writing lastSeenAt on every request would double the cost; every few minutes (a tenth of the idle
 * timeout at most) is enough: a session may idle out that much early, never late.
 */
const MAX_TOUCH_INTERVAL_MS = 5 * 60_000;
const touchInterval = (policy: SessionPolicy) => Math.min(MAX_TOUCH_INTERVAL_MS, policy.idleTimeoutMs / 10);
const SESSION_IDENTIFIER = /^[A-Za-z0-9_-]{43}$/;

export function hashSessionIdentifier(identifier: string): string {
  return createHash('sha256').update(identifier).digest('base64url');
}

export interface NewSession {
  /** The raw identifier: goes into the cookie and nowhere else. */
  readonly identifier: string;
  readonly session: Session;
}

/** A new session with a new identifier (ASVS 7.2.4: never reuse one across sign-ins). */
export async function createSession(
  db: DynamoDBDocumentClient,
  table: string,
  user: DirectoryUser,
  userAgent: string | undefined,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<NewSession> {
  const identifier = randomToken();
  const id = hashSessionIdentifier(identifier);
  const absoluteExpiresAt = now + policy.absoluteLifetimeMs;
  const item: SessionItem = {
    ...KEYS.session(id),
    gsi1pk: KEYS.userSessions(user.id).partition,
    gsi1sk: new Date(now).toISOString(),
    userId: user.id,
    user,
    createdAt: now,
    lastSeenAt: now,
    absoluteExpiresAt,
    expiresAt: ttl(now, absoluteExpiresAt, policy),
    device: describeDevice(userAgent),
  };
  await db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
  return { identifier, session: toSession(item, policy) };
}

/**
 * The live session for a cookie's identifier, or undefined: one strongly consistent read (a
 * logout elsewhere is seen at once), expiry checked here because TTL deletion lags, and
 * lastSeenAt moved forward at most every few minutes.
 */
export async function readSession(
  db: DynamoDBDocumentClient,
  table: string,
  identifier: string | undefined,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<Session | undefined> {
  if (!identifier || !SESSION_IDENTIFIER.test(identifier)) return undefined;
  const id = hashSessionIdentifier(identifier);
  const { Item } = await db.send(new GetCommand({ TableName: table, Key: KEYS.session(id), ConsistentRead: true }));
  const item = Item as SessionItem | undefined;
  if (!item) return undefined;
  if (isExpired(item, policy, now)) {
    await endSession(db, table, id);
    return undefined;
  }
  if (accountBlock(item.user)) return undefined;
  if (now - item.lastSeenAt < touchInterval(policy)) return toSession(item, policy);
  const touched = { ...item, lastSeenAt: now, expiresAt: ttl(now, item.absoluteExpiresAt, policy) };
  try {
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: KEYS.session(id),
        UpdateExpression: 'SET lastSeenAt = :now, expiresAt = :ttl',
        // Never resurrect a session that was ended between our read and this write.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now, ':ttl': touched.expiresAt },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
  return toSession(touched, policy);
}

export async function endSession(db: DynamoDBDocumentClient, table: string, id: string): Promise<void> {
  await db.send(new DeleteCommand({ TableName: table, Key: KEYS.session(id) }));
}

/** Ends one of a user's sessions by public id; false when it is not theirs or already gone. */
export async function endUserSession(db: DynamoDBDocumentClient, table: string, userId: string, id: string): Promise<boolean> {
  try {
    await db.send(
      new DeleteCommand({
        TableName: table,
        Key: KEYS.session(id),
        ConditionExpression: 'userId = :userId',
        ExpressionAttributeValues: { ':userId': userId },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * Ends every session of a user at once: "sign out everywhere", an admin's revocation, and
 * directory sync when the user is suspended or deleted (ASVS 7.4.2, 7.4.5). Returns how many ended.
 */
export async function endUserSessions(db: DynamoDBDocumentClient, table: string, userId: string): Promise<number> {
  const items = await userSessionItems(db, table, userId);
  await Promise.all(items.map((item) => db.send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }))));
  return items.length;
}

/** Users whose sessions are looked up at once while signing everyone out. */
const REVOKE_ALL_CONCURRENCY = 16;

/**
 * Signs everyone out (ASVS 7.4.5): ends every session. Sessions are kept per user (gsi1
 * USER_SESSIONS#<id>), so this walks the directory's users a page at a time (gsi1 USERS) and ends
 * each one's sessions, a bounded number of users at once. That is every session there is: sign-in
 * only opens one for a user the directory holds, and sync ends a deleted user's at once. A sign-in
 * that completes while this runs may survive it. Returns how many sessions ended.
 */
export async function endAllSessions(db: DynamoDBDocumentClient, table: string): Promise<number> {
  let ended = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        ...indexQuery(KEYS.users),
        ProjectionExpression: 'pk',
        ExclusiveStartKey: start,
      }),
    );
    const userIds = (page.Items ?? []).map((item) => KEYS.userIdOf(String(item.pk)));
    for (let i = 0; i < userIds.length; i += REVOKE_ALL_CONCURRENCY) {
      const counts = await Promise.all(userIds.slice(i, i + REVOKE_ALL_CONCURRENCY).map((id) => endUserSessions(db, table, id)));
      ended += counts.reduce((sum, n) => sum + n, 0);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return ended;
}

/**
 * For directory sync after it writes a user: a blocked user (suspended, archived, deleted) loses
 * every session; anyone else's sessions get the new record, so /api/me and admin checks stay
 * current without a second read per request.
 */
export async function refreshUserSessions(db: DynamoDBDocumentClient, table: string, user: DirectoryUser): Promise<void> {
  if (accountBlock(user)) {
    await endUserSessions(db, table, user.id);
    return;
  }
  const items = await userSessionItems(db, table, user.id);
  await Promise.all(
    items.map((item) =>
      db
        .send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET #user = :user',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#user': 'user' },
            ExpressionAttributeValues: { ':user': user },
          }),
        )
        .catch((error: Error) => {
          if (!isConditionFailure(error)) throw error;
        }),
    ),
  );
}

/** A user's live sessions, newest first (ASVS 7.5.2). */
export async function listUserSessions(
  db: DynamoDBDocumentClient,
  table: string,
  userId: string,
  policy: SessionPolicy,
  now = Date.now(),
): Promise<Session[]> {
  const items = await userSessionItems(db, table, userId);
  return items
    .filter((item) => !isExpired(item, policy, now))
    .map((item) => toSession(item, policy))
    .reverse();
}

async function userSessionItems(db: DynamoDBDocumentClient, table: string, userId: string): Promise<SessionItem[]> {
  const items: SessionItem[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        ...indexQuery(KEYS.userSessions(userId)),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...((page.Items ?? []) as SessionItem[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

function isExpired(item: SessionItem, policy: SessionPolicy, now: number): boolean {
  return now >= item.absoluteExpiresAt || now - item.lastSeenAt >= policy.idleTimeoutMs;
}

function ttl(lastSeenAt: number, absoluteExpiresAt: number, policy: SessionPolicy): number {
  return Math.ceil(Math.min(lastSeenAt + policy.idleTimeoutMs, absoluteExpiresAt) / 1000);
}

function toSession(item: SessionItem, policy: SessionPolicy): Session {
  return {
    id: KEYS.sessionIdOf(item.pk),
    user: item.user,
    createdAt: new Date(item.createdAt).toISOString(),
    lastSeenAt: new Date(item.lastSeenAt).toISOString(),
    expiresAt: new Date(Math.min(item.lastSeenAt + policy.idleTimeoutMs, item.absoluteExpiresAt)).toISOString(),
    device: item.device,
  };
}
