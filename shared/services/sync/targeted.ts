/**
 * Targeted sync: one user or one group brought up to date with Google, by the same apply steps
 * (diff writes, session ends, tombstones) and through the same limiter and backoff as the full
 * run. What a push notification triggers, and what a sign-in by someone not yet synced can use.
 * Every change to the people index is noted in an `IndexChanges`; the caller writes the deltas once
 * per batch (index-deltas.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getGroupByEmail, getGroupById, listDirectMembers } from '../../adapters/dynamodb/groups.js';
import { allSyncedUserIds, ancestorGroups, knownMemberIds, storedGroupState } from '../../adapters/dynamodb/targeted-reads.js';
import type { DirectoryGroup, DirectoryUser, GroupMember, SharedProfile } from '../../domain/directory/model.js';
import { getUserById } from '../../adapters/dynamodb/users.js';
import { isListed } from '../../domain/people/directory-index.js';
import {
  applyChangedUser,
  applyGroupUpsert,
  applyMembership,
  tombstoneGroup,
  tombstoneUser,
  type ApplyContext,
} from '../../adapters/dynamodb/sync-apply.js';
import { classifyMembers, transitiveMembers } from '../../domain/sync/closure.js';
import type { FetchedMember } from '../../adapters/google/map.js';
import { membershipTarget, recordHash, withShared } from '../../domain/sync/plan.js';
import type { IndexChanges } from './index-deltas.js';
import type { SyncEnvironment } from './run.js';

export type TargetedEnvironment = Pick<SyncEnvironment, 'db' | 'tableName' | 'source' | 'sessions' | 'clock'>;
export type TargetedOutcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'absent';

/** What a targeted sync reports back: item writes, and the people and groups whose index records changed. */
export interface TargetedStats {
  itemWrites: number;
  readonly index: IndexChanges;
}

function applyContext(env: TargetedEnvironment, stats: TargetedStats): ApplyContext {
  return { db: env.db, tableName: env.tableName, sessions: env.sessions, stats, now: () => new Date(env.clock.now()).toISOString() };
}

/**
 * Fetches one user by id (users.get, one call) and stores them through the full sync's one-user
 * step; a user Google no longer has is tombstoned. Serves both a push notification (the worker)
 * and sign-in's fetch of someone not synced yet (fetch-one-user.ts).
 */
export async function syncOneUser(env: TargetedEnvironment, userId: string, stats: TargetedStats): Promise<TargetedOutcome> {
  const ctx = applyContext(env, stats);
  const user = await env.source.getUser(userId);
  // Google answers users.get by id with the same id; anything else is not this person: store nothing, delete nothing.
  if (user && user.id !== userId) return 'absent';
  if (user) {
    const shared = await publicViewOf(env, user);
    // Noted before the write: if a step after the stored hash fails (aliases, sessions), the retry
    // finds the hash unchanged and would leave search on the old state; the delta is read from the table.
    stats.index.users.add(userId);
    const outcome = await applyChangedUser(ctx, withShared(user, shared));
    if (outcome === 'unchanged') stats.index.users.delete(userId);
    return outcome;
  }
  const stored = await getUserById(env.db, env.tableName, userId);
  if (!stored || stored.deletedAt) return 'absent';
  stats.index.users.add(userId);
  await tombstoneUser(ctx, { id: userId, email: stored.primaryEmail, emails: [], suspended: false, archived: false });
  return 'deleted';
}

/**
 * What colleagues may see of the user, as the full run stores it: Google's `domain_public` view (a
 * second users.get). Nobody sees anything of a suspended, archived or hidden person, so no call then.
 */
async function publicViewOf(env: TargetedEnvironment, user: DirectoryUser): Promise<SharedProfile | undefined> {
  if (!isListed(user)) return undefined;
  const profile = await env.source.getPublicUser(user.id);
  if (!profile) return undefined;
  const { id: _id, ...shared } = profile;
  return shared;
}

/**
 * Fetches one group (groups.get) and its direct members (members.list, every page), stores the
 * group's profile and direct members, and recomputes the transitive membership of the group and
 * of every group that contains it, from the stored direct members of the groups below them.
 * `key` is the group's address or id. A group Google no longer has is tombstoned.
 */
export async function syncOneGroup(env: TargetedEnvironment, key: string, stats: TargetedStats): Promise<TargetedOutcome> {
  const ctx = applyContext(env, stats);
  const group = (await env.source.getGroup(key)) ?? (await renamedGroup(env, key));
  if (!group) return tombstoneMissingGroup(env, ctx, stats, key);
  const fetched = await listAllMembers(env, group.id);
  if (fetched === undefined) return tombstoneMissingGroup(env, ctx, stats, key); // deleted between the two calls
  const stored = await storedGroupState(env.db, env.tableName, group.id);
  const hash = recordHash(group);
  let outcome: TargetedOutcome = 'unchanged';
  if (stored?.hash !== hash || stored.deleted) {
    stats.index.groups.add(group.id);
    await applyGroupUpsert(ctx, { group, hash, previousEmails: [...(stored?.emails ?? [])], created: !stored });
    outcome = stored ? 'updated' : 'created';
  }
  const known = await knownMemberIds(env.db, env.tableName, fetched);
  const members = classifyMembers(fetched, known.users, known.groups);
  const changed = await applyClosure(env, ctx, stats, group, members);
  return outcome === 'unchanged' && changed ? 'updated' : outcome;
}

/**
 * A group Google no longer finds by the address an activity names may have a new address
 * (CHANGE_GROUP_EMAIL names the old one): asked again by the id stored for that address before
 * anything is deleted. One more call, only when the address is unknown to Google.
 */
async function renamedGroup(env: TargetedEnvironment, key: string): Promise<DirectoryGroup | undefined> {
  if (!key.includes('@')) return undefined;
  const stored = await getGroupByEmail(env.db, env.tableName, key);
  return stored && !stored.deletedAt ? env.source.getGroup(stored.id) : undefined;
}

async function tombstoneMissingGroup(
  env: TargetedEnvironment,
  ctx: ApplyContext,
  stats: TargetedStats,
  key: string,
): Promise<TargetedOutcome> {
  const stored = key.includes('@') ? await getGroupByEmail(env.db, env.tableName, key) : await getGroupById(env.db, env.tableName, key);
  if (!stored || stored.deletedAt) return 'absent';
  const parents = await ancestorGroups(env.db, env.tableName, stored.id);
  stats.index.groups.add(stored.id);
  await tombstoneGroup(ctx, { id: stored.id, email: stored.email, emails: [] });
  // The groups that contained it lose the users it brought in.
  if (parents.size > 0) await recomputeTransitive(env, ctx, stats, parents, new Map());
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

/** Writes the group's direct members and the transitive members of it and its ancestors; true when anything changed. */
async function applyClosure(
  env: TargetedEnvironment,
  ctx: ApplyContext,
  stats: TargetedStats,
  group: DirectoryGroup,
  members: readonly GroupMember[],
): Promise<boolean> {
  const affected = await ancestorGroups(env.db, env.tableName, group.id);
  affected.add(group.id);
  return recomputeTransitive(env, ctx, stats, affected, new Map([[group.id, members]]));
}

async function recomputeTransitive(
  env: TargetedEnvironment,
  ctx: ApplyContext,
  stats: TargetedStats,
  affected: ReadonlySet<string>,
  known: Map<string, readonly GroupMember[]>,
): Promise<boolean> {
  const direct = await directMembersBelow(env.db, env.tableName, affected, known);
  const needsEveryone = [...direct.values()].some((list) => list.some((m) => m.kind === 'CUSTOMER'));
  const everyone = needsEveryone ? await allSyncedUserIds(env.db, env.tableName) : [];
  const closure = transitiveMembers(direct, everyone);
  let changed = false;
  for (const groupId of affected) {
    const stored = await storedGroupState(env.db, env.tableName, groupId);
    if (!stored) continue;
    const target = membershipTarget(groupId, stored.emails[0] ?? '', direct.get(groupId) ?? [], closure.get(groupId) ?? new Map());
    if (stored.memberHash === target.memberHash && stored.transitiveHash === target.transitiveHash) continue;
    // Its direct member count (in the index) may have changed.
    stats.index.groups.add(groupId);
    await applyMembership(ctx, target);
    changed = true;
  }
  return changed;
}

/** Direct members of the given groups and of every group nested below them: `known` first, the table otherwise. */
async function directMembersBelow(
  db: DynamoDBDocumentClient,
  tableName: string,
  roots: ReadonlySet<string>,
  known: Map<string, readonly GroupMember[]>,
): Promise<Map<string, readonly GroupMember[]>> {
  const direct = new Map<string, readonly GroupMember[]>();
  const queue = [...roots];
  while (queue.length > 0) {
    const groupId = queue.shift()!;
    if (direct.has(groupId)) continue;
    const members = known.get(groupId) ?? (await listDirectMembers(db, tableName, groupId));
    direct.set(groupId, members);
    for (const m of members) if (m.kind === 'GROUP' && m.memberId && !direct.has(m.memberId)) queue.push(m.memberId);
  }
  return direct;
}
