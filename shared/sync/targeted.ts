/**
 * Targeted sync: one user or one group brought up to date with Google, by the same apply steps
 * (diff writes, session ends, tombstones) and through the same limiter and backoff as the full
 * run. What a push notification triggers, and what a sign-in by someone not yet synced can use.
 * The search index is marked stale by every write; the caller publishes it once per batch.
 */
import { BatchGetCommand, GetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../db/query.js';
import { getGroupByEmail, groupKey } from '../directory/groups.js';
import type { DirectoryGroup, GroupMember } from '../directory/model.js';
import { userKey, USERS_INDEX } from '../directory/users.js';
import { markSearchIndexStale } from '../people/index-store.js';
import { applyChangedUser, applyGroupUpsert, applyMembership, tombstoneGroup, tombstoneUser, type ApplyContext } from './apply.js';
import { classifyMembers, transitiveMembers } from './closure.js';
import type { FetchedMember } from './map.js';
import { membershipTarget, recordHash } from './plan.js';
import type { SyncEnvironment } from './run.js';

export type TargetedEnvironment = Pick<SyncEnvironment, 'db' | 'tableName' | 'source' | 'sessions' | 'clock'>;
export type TargetedOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

function applyContext(env: TargetedEnvironment, stats: { itemWrites: number }): ApplyContext {
  return { db: env.db, tableName: env.tableName, sessions: env.sessions, stats, now: () => new Date(env.clock.now()).toISOString() };
}

/** Fetches one user (users.get, one call) and stores it; a user Google no longer has is tombstoned. */
export async function syncOneUser(env: TargetedEnvironment, userId: string, stats = { itemWrites: 0 }): Promise<TargetedOutcome> {
  const ctx = applyContext(env, stats);
  const user = await env.source.getUser(userId);
  if (user) return applyChangedUser(ctx, user);
  const { Item } = await env.db.send(new GetCommand({ TableName: env.tableName, Key: userKey(userId) }));
  if (!Item || Item.user?.deletedAt) return 'absent';
  await markSearchIndexStale(env.db, env.tableName);
  await tombstoneUser(ctx, { id: userId, email: String(Item.user?.primaryEmail ?? ''), emails: [], suspended: false, archived: false });
  return 'deleted';
}

/**
 * Fetches one group (groups.get) and its direct members (members.list, every page), stores the
 * group's profile and direct members, and recomputes the transitive membership of the group and
 * of every group that contains it, from the stored direct members of the groups below them.
 * `key` is the group's address or id. A group Google no longer has is tombstoned.
 */
export async function syncOneGroup(env: TargetedEnvironment, key: string, stats = { itemWrites: 0 }): Promise<TargetedOutcome> {
  const ctx = applyContext(env, stats);
  const group = await env.source.getGroup(key);
  if (!group) return tombstoneMissingGroup(env, ctx, key);
  const fetched = await listAllMembers(env, group.id);
  if (fetched === undefined) return tombstoneMissingGroup(env, ctx, key); // deleted between the two calls
  const { Item } = await env.db.send(new GetCommand({ TableName: env.tableName, Key: groupKey(group.id) }));
  const hash = recordHash(group);
  let outcome: TargetedOutcome = 'unchanged';
  if (Item?.hash !== hash || Item.group?.deletedAt) {
    await markSearchIndexStale(env.db, env.tableName);
    await applyGroupUpsert(ctx, { group, hash, previousEmails: (Item?.emails as string[] | undefined) ?? [], created: !Item });
    outcome = Item ? 'updated' : 'created';
  }
  const known = await knownIds(env.db, env.tableName, fetched);
  const members = classifyMembers(fetched, known.users, known.groups);
  const changed = await applyClosure(env, ctx, group, members);
  return outcome === 'unchanged' && changed ? 'updated' : outcome;
}

async function tombstoneMissingGroup(env: TargetedEnvironment, ctx: ApplyContext, key: string): Promise<TargetedOutcome> {
  const stored = key.includes('@') ? await getGroupByEmail(env.db, env.tableName, key) : (await env.db.send(new GetCommand({ TableName: env.tableName, Key: groupKey(key) }))).Item?.group as DirectoryGroup | undefined;
  if (!stored || stored.deletedAt) return 'absent';
  const parents = await ancestors(env.db, env.tableName, stored.id);
  await markSearchIndexStale(env.db, env.tableName);
  await tombstoneGroup(ctx, { id: stored.id, email: stored.email, emails: [] });
  // The groups that contained it lose the users it brought in.
  if (parents.size > 0) await recomputeTransitive(env, ctx, parents, new Map());
  return 'deleted';
}

async function listAllMembers(env: TargetedEnvironment, groupId: string): Promise<FetchedMember[] | undefined> {
  const members: FetchedMember[] = [];
  let pageToken: string | undefined;
  do {
    const page = await env.source.listMembers(groupId, pageToken);
    if (!page) return undefined;
    members.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return members;
}

/** Which fetched member ids are users or groups of the stored directory (one BatchGetItem per 100 members). */
async function knownIds(db: DynamoDBDocumentClient, tableName: string, fetched: readonly FetchedMember[]): Promise<{ users: Set<string>; groups: Set<string> }> {
  const users = new Set<string>();
  const groups = new Set<string>();
  const keys = fetched.flatMap((m) => (m.id && m.type === 'USER' ? [userKey(m.id)] : m.id && m.type === 'GROUP' ? [groupKey(m.id)] : []));
  for (let i = 0; i < keys.length; i += 100) {
    let batch: Record<string, unknown>[] | undefined = keys.slice(i, i + 100);
    while (batch && batch.length > 0) {
      const result: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: batch, ProjectionExpression: 'pk, #user.id, #user.deletedAt, #group.id, #group.deletedAt', ExpressionAttributeNames: { '#user': 'user', '#group': 'group' } } } }));
      for (const item of result.Responses?.[tableName] ?? []) {
        const pk = String(item.pk);
        if (pk.startsWith('USER#') && !item.user?.deletedAt) users.add(pk.slice('USER#'.length));
        if (pk.startsWith('GROUP#') && !item.group?.deletedAt) groups.add(pk.slice('GROUP#'.length));
      }
      batch = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return { users, groups };
}

/** Writes the group's direct members and the transitive members of it and its ancestors; true when anything changed. */
async function applyClosure(env: TargetedEnvironment, ctx: ApplyContext, group: DirectoryGroup, members: readonly GroupMember[]): Promise<boolean> {
  const affected = await ancestors(env.db, env.tableName, group.id);
  affected.add(group.id);
  return recomputeTransitive(env, ctx, affected, new Map([[group.id, members]]));
}

async function recomputeTransitive(env: TargetedEnvironment, ctx: ApplyContext, affected: ReadonlySet<string>, known: Map<string, readonly GroupMember[]>): Promise<boolean> {
  const direct = await directMembersBelow(env.db, env.tableName, affected, known);
  const needsEveryone = [...direct.values()].some((list) => list.some((m) => m.kind === 'CUSTOMER'));
  const everyone = needsEveryone ? await allUserIds(env.db, env.tableName) : [];
  const closure = transitiveMembers(direct, everyone);
  let changed = false;
  for (const groupId of affected) {
    const target = membershipTarget(groupId, direct.get(groupId) ?? [], closure.get(groupId) ?? new Map());
    const { Item } = await env.db.send(new GetCommand({ TableName: env.tableName, Key: groupKey(groupId), ProjectionExpression: 'memberHash, transitiveHash' }));
    if (!Item || (Item.memberHash === target.memberHash && Item.transitiveHash === target.transitiveHash)) continue;
    await markSearchIndexStale(env.db, env.tableName);
    await applyMembership(ctx, target);
    changed = true;
  }
  return changed;
}

/** Every group that contains `groupId`, directly or through nesting (cycle-safe), from the stored direct memberships. */
async function ancestors(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<Set<string>> {
  const found = new Set<string>();
  const queue = [groupId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const parents = await queryAll<{ groupId: string }>(db, {
      TableName: tableName, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `MEMBEROF#GROUP#${current}` }, ProjectionExpression: 'groupId',
    });
    for (const { groupId: parent } of parents) {
      if (parent === groupId || found.has(parent)) continue;
      found.add(parent);
      queue.push(parent);
    }
  }
  return found;
}

/** Direct members of the given groups and of every group nested below them: `known` first, the table otherwise. */
async function directMembersBelow(db: DynamoDBDocumentClient, tableName: string, roots: ReadonlySet<string>, known: Map<string, readonly GroupMember[]>): Promise<Map<string, readonly GroupMember[]>> {
  const direct = new Map<string, readonly GroupMember[]>();
  const queue = [...roots];
  while (queue.length > 0) {
    const groupId = queue.shift()!;
    if (direct.has(groupId)) continue;
    const members = known.get(groupId) ?? (await queryAll<{ member: GroupMember }>(db, {
      TableName: tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `GROUP#${groupId}`, ':prefix': 'MEMBER#' }, ProjectionExpression: '#member', ExpressionAttributeNames: { '#member': 'member' },
    })).map((i) => i.member);
    direct.set(groupId, members);
    for (const m of members) if (m.kind === 'GROUP' && m.memberId && !direct.has(m.memberId)) queue.push(m.memberId);
  }
  return direct;
}

async function allUserIds(db: DynamoDBDocumentClient, tableName: string): Promise<string[]> {
  const items = await queryAll<{ user: { id: string } }>(db, {
    TableName: tableName, IndexName: USERS_INDEX.indexName, KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': USERS_INDEX.partition }, ProjectionExpression: '#user.id', ExpressionAttributeNames: { '#user': 'user' },
  });
  return items.map((i) => i.user.id);
}

