import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from './conditional.js';
import { KEYS } from './table-definition.js';

/**
 * Requests to fetch one person from Google by id, made when someone signs in whose `sub` the
 * directory does not hold yet (created after the last sync). Sign-in never takes identity from the
 * token's email; it asks the sync side (which alone holds the Google key) to read that one user,
 * and these items keep that bounded:
 * a request per `sub` and a per-minute budget counter (KEYS.userFetchRequest, KEYS.userFetchBudget).
 * One Google call per unknown `sub` per REQUEST_WINDOW_MS, and at most FETCHES_PER_MINUTE for the
 * whole tenant: many unknown accounts cannot make the sync call Google without bound.
 */
/** Within this time a `sub` is fetched at most once; its outcome is remembered as long. */
export const REQUEST_WINDOW_MS = 10 * 60_000;
/** How long sign-in keeps saying "being set up" before it gives up on a fetch that has not answered. */
export const SETUP_WAIT_MS = 60_000;
/** New-person fetches the whole tenant may start per minute. */
export const FETCHES_PER_MINUTE = 30;

export type FetchOutcome = 'stored' | 'not_found';

export type FetchRequestState =
  /** A fetch was just requested: the caller must now start it. */
  | { readonly kind: 'requested' }
  /** One is under way (or was requested this long ago and never answered). */
  | { readonly kind: 'pending'; readonly requestedAt: number }
  /** The sync side answered. */
  | { readonly kind: 'done'; readonly outcome: FetchOutcome }
  /** The tenant's budget for this minute is spent: nothing requested. */
  | { readonly kind: 'over_budget' };

/** Claims the fetch of `sub`, or reports the one already claimed; the budget is spent only by a new claim. */
export async function claimUserFetch(
  db: DynamoDBDocumentClient,
  tableName: string,
  sub: string,
  now = Date.now(),
): Promise<FetchRequestState> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.userFetchRequest(sub), ConsistentRead: true }));
  const existing = Item as { requestedAt: number; outcome?: FetchOutcome } | undefined;
  if (existing && existing.requestedAt > now - REQUEST_WINDOW_MS) {
    return existing.outcome ? { kind: 'done', outcome: existing.outcome } : { kind: 'pending', requestedAt: existing.requestedAt };
  }
  const minute = Math.floor(now / 60_000);
  try {
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.userFetchBudget(minute),
        UpdateExpression: 'ADD #count :one SET expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':max': FETCHES_PER_MINUTE, ':ttl': (minute + 2) * 60 },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return { kind: 'over_budget' };
    throw error;
  }
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...KEYS.userFetchRequest(sub), requestedAt: now, expiresAt: Math.ceil((now + REQUEST_WINDOW_MS) / 1000) },
        // Two sign-ins of the same person at once: one claims, the other waits for it.
        ConditionExpression: 'attribute_not_exists(pk) OR requestedAt <= :stale',
        ExpressionAttributeValues: { ':stale': now - REQUEST_WINDOW_MS },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return { kind: 'pending', requestedAt: now };
    throw error;
  }
  return { kind: 'requested' };
}

/**
 * Gives back a claim whose fetch could not be requested (the sync side unreachable), so the
 * person's next attempt asks again instead of waiting out REQUEST_WINDOW_MS for a fetch that never
 * started. Only the claim made at `requestedAt`: a newer one, or one already answered, stays.
 */
export async function releaseUserFetch(db: DynamoDBDocumentClient, tableName: string, sub: string, requestedAt: number): Promise<void> {
  await db
    .send(
      new DeleteCommand({
        TableName: tableName,
        Key: KEYS.userFetchRequest(sub),
        ConditionExpression: 'requestedAt = :at AND attribute_not_exists(outcome)',
        ExpressionAttributeValues: { ':at': requestedAt },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}

/** The sync side's answer, read by the person's next sign-in attempt. */
export async function recordUserFetchOutcome(
  db: DynamoDBDocumentClient,
  tableName: string,
  sub: string,
  outcome: FetchOutcome,
): Promise<void> {
  await db
    .send(
      new UpdateCommand({
        TableName: tableName,
        Key: KEYS.userFetchRequest(sub),
        UpdateExpression: 'SET outcome = :outcome',
        // Only for a request sign-in made: a stray invocation does not create items.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':outcome': outcome },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}
