import type { DeletionSample, HeldChange, HeldChangeKind, SyncCounts } from '../../contract/api.js';
import type { DirectoryDomain, DirectoryGroup, DirectorySchema, DirectoryUser, GroupMember, SharedProfile } from '../directory/model.js';
import { classifyMembers, transitiveMembers } from './closure.js';
import { contentHash } from './hash.js';
import type { Snapshot } from './snapshot.js';

/** The stored directory, as much of it as planning needs (read once per run, see apply.ts). */
export interface StoredUser {
  readonly id: string;
  readonly email: string;
  readonly hash?: string;
  readonly emails: readonly string[];
  readonly suspended: boolean;
  readonly archived: boolean;
}

export interface StoredGroup {
  readonly id: string;
  readonly email: string;
  readonly hash?: string;
  readonly emails: readonly string[];
  readonly memberHash?: string;
  readonly transitiveHash?: string;
}

export interface StoredState {
  readonly users: ReadonlyMap<string, StoredUser>;
  readonly groups: ReadonlyMap<string, StoredGroup>;
  readonly domainsHash?: string;
  readonly schemasHash?: string;
}

export interface UserUpsert {
  readonly user: DirectoryUser;
  readonly hash: string;
  readonly previousEmails: readonly string[];
  readonly created: boolean;
  /** Newly suspended or archived: their sessions end before the record changes. */
  readonly endSessions: boolean;
}

export interface GroupUpsert {
  readonly group: DirectoryGroup;
  readonly hash: string;
  readonly previousEmails: readonly string[];
  readonly created: boolean;
}

/** One group's full membership as fetched: the input of the stand-alone "apply one group's membership" step. */
export interface MembershipTarget {
  readonly groupId: string;
  /** The group's address, for an admin reviewing a held run. */
  readonly email: string;
  readonly members: readonly GroupMember[];
  readonly memberHash: string;
  /** userId → is also a direct member. */
  readonly transitive: ReadonlyMap<string, boolean>;
  readonly transitiveHash: string;
}

export type { SyncCounts };

export interface SyncPlan {
  readonly domains?: { readonly domains: DirectoryDomain[]; readonly hash: string };
  readonly schemas?: { readonly schemas: DirectorySchema[]; readonly hash: string };
  readonly userUpserts: UserUpsert[];
  readonly groupUpserts: GroupUpsert[];
  readonly memberships: MembershipTarget[];
  readonly userTombstones: StoredUser[];
  readonly groupTombstones: StoredGroup[];
  readonly counts: SyncCounts;
  /** Active users and groups stored before this run: the base of the deletion share. */
  readonly storedUsers: number;
  readonly storedGroups: number;
  readonly fetchedUsers: number;
}

/** Hash of a record without its etag: a write happens when something the intranet shows changed. */
export const recordHash = (record: DirectoryUser | DirectoryGroup): string => contentHash({ ...record, etag: undefined });

/** One group's membership with the hashes that let a later run (or push update) skip it when nothing changed. */
export function membershipTarget(
  groupId: string,
  email: string,
  members: readonly GroupMember[],
  transitive: ReadonlyMap<string, boolean>,
): MembershipTarget {
  return {
    groupId,
    email,
    members,
    transitive,
    memberHash: contentHash(members),
    transitiveHash: contentHash([...transitive].sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

/** Compares the complete snapshot with what is stored: only differences become steps. */
export function planSync(snapshot: Snapshot, stored: StoredState): SyncPlan {
  // A list that changes between two page requests can return an item twice (one that moved past the
  // page boundary, e.g. renamed): one step per id, from the copy fetched last.
  // Each user carries what employees see of them: Google's public view, or nothing when it did not show them.
  const publicProfiles = new Map(snapshot.publicProfiles.map(({ id, ...shared }) => [id, shared]));
  const users = lastCopies(snapshot.users).map((user) => withShared(user, publicProfiles.get(user.id)));
  const userIds = new Set(users.map((u) => u.id));
  const groups = lastCopies(snapshot.groups).filter((g) => snapshot.members.get(g.id)?.gone !== true);
  const groupIds = new Set(groups.map((g) => g.id));

  const userUpserts: UserUpsert[] = [];
  for (const user of users) {
    const hash = recordHash(user);
    const before = stored.users.get(user.id);
    if (before?.hash === hash) continue;
    const blocked = user.suspended || user.archived;
    userUpserts.push({
      user,
      hash,
      previousEmails: before?.emails ?? [],
      created: !before,
      endSessions: blocked && !(before?.suspended || before?.archived),
    });
  }

  const groupUpserts: GroupUpsert[] = [];
  for (const group of groups) {
    const hash = recordHash(group);
    const before = stored.groups.get(group.id);
    if (before?.hash !== hash) groupUpserts.push({ group, hash, previousEmails: before?.emails ?? [], created: !before });
  }

  const direct = new Map<string, GroupMember[]>();
  for (const group of groups) direct.set(group.id, classifyMembers(snapshot.members.get(group.id)?.members ?? [], userIds, groupIds));
  const closure = transitiveMembers(direct, [...userIds]);
  const memberships: MembershipTarget[] = [];
  for (const group of groups) {
    const members = direct.get(group.id) ?? [];
    const transitive = closure.get(group.id) ?? new Map<string, boolean>();
    const target = membershipTarget(group.id, group.email, members, transitive);
    const before = stored.groups.get(group.id);
    if (before?.memberHash !== target.memberHash || before?.transitiveHash !== target.transitiveHash) memberships.push(target);
  }

  const userTombstones = [...stored.users.values()].filter((u) => !userIds.has(u.id));
  const groupTombstones = [...stored.groups.values()].filter((g) => !groupIds.has(g.id));
  const domains = snapshot.domains ?? [];
  const domainsHash = contentHash(domains);
  const schemas = snapshot.schemas ?? [];
  const schemasHash = contentHash(schemas);

  const changedGroups = new Set([
    ...groupUpserts.filter((g) => !g.created).map((g) => g.group.id),
    ...memberships.filter((m) => stored.groups.has(m.groupId)).map((m) => m.groupId),
  ]);
  const created = userUpserts.filter((u) => u.created).length + groupUpserts.filter((g) => g.created).length;
  const updated = userUpserts.filter((u) => !u.created).length + changedGroups.size;
  const fetched = users.length + groups.length;
  return {
    ...(domainsHash !== stored.domainsHash ? { domains: { domains, hash: domainsHash } } : {}),
    ...(schemasHash !== stored.schemasHash ? { schemas: { schemas, hash: schemasHash } } : {}),
    userUpserts,
    groupUpserts,
    memberships,
    userTombstones,
    groupTombstones,
    counts: { fetched, created, updated, unchanged: fetched - created - updated, deleted: userTombstones.length + groupTombstones.length },
    storedUsers: stored.users.size,
    storedGroups: stored.groups.size,
    fetchedUsers: users.length,
  };
}

/**
 * What a plan would change, by kind, for an admin reviewing a run the deletion guard held: each
 * kind's count and the first `limit` users or groups it touches (kinds with nothing are left out).
 */
export function heldChanges(plan: SyncPlan, limit: number): HeldChange[] {
  const kind = (name: HeldChangeKind, items: readonly DeletionSample[]): HeldChange => ({
    kind: name,
    count: items.length,
    samples: items.slice(0, limit).map(({ id, email }) => ({ id, email })),
  });
  return [
    kind('users-deleted', plan.userTombstones),
    kind('groups-deleted', plan.groupTombstones),
    kind(
      'users-suspended',
      plan.userUpserts.filter((u) => u.endSessions).map(({ user }) => ({ id: user.id, email: user.primaryEmail })),
    ),
    kind(
      'groups-changed',
      plan.groupUpserts.filter((g) => !g.created).map((g) => g.group),
    ),
    kind(
      'memberships-changed',
      plan.memberships.map((m) => ({ id: m.groupId, email: m.email })),
    ),
  ].filter((k) => k.count > 0);
}

/** The user with what colleagues may see of them (Google's public view), or nothing shared when that view did not show them. */
export function withShared(user: DirectoryUser, shared: SharedProfile | undefined): DirectoryUser {
  const { shared: _stale, ...rest } = user;
  return shared ? { ...rest, shared } : rest;
}

/** Stored users and groups the snapshot lacks altogether: deletions, unless Google still has them. */
export function missingFromSnapshot(snapshot: Snapshot, stored: StoredState): { users: string[]; groups: string[] } {
  const userIds = new Set(snapshot.users.map((u) => u.id));
  const groupIds = new Set(snapshot.groups.map((g) => g.id));
  return {
    users: [...stored.users.keys()].filter((id) => !userIds.has(id)),
    groups: [...stored.groups.keys()].filter((id) => !groupIds.has(id)),
  };
}

function lastCopies<T extends { readonly id: string }>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

export interface GuardVerdict {
  readonly ok: boolean;
  /** Why the run was refused, for the admin. */
  readonly reason?: string;
}

/**
 * The mass-deletion guard: a run that saw no users, or would delete more than `maxDeleteShare` of
 * the stored users or groups, is refused unless an admin forces it. Google answering with an
 * empty or truncated directory (a wrong customer, a revoked privilege, a paging bug) must not
 * wipe the intranet.
 */
export function checkGuard(plan: SyncPlan, maxDeleteShare: number): GuardVerdict {
  if (plan.fetchedUsers === 0)
    return { ok: false, reason: 'Google returned zero users: refusing to treat the whole directory as deleted.' };
  const share = (deleted: number, base: number) => (base === 0 ? 0 : deleted / base);
  const users = share(plan.userTombstones.length, plan.storedUsers);
  const groups = share(plan.groupTombstones.length, plan.storedGroups);
  const limit = `${Math.round(maxDeleteShare * 1000) / 10}%`;
  if (users > maxDeleteShare)
    return {
      ok: false,
      reason: `The run would delete ${plan.userTombstones.length} of ${plan.storedUsers} users (${percent(users)}), more than the allowed ${limit}.`,
    };
  if (groups > maxDeleteShare)
    return {
      ok: false,
      reason: `The run would delete ${plan.groupTombstones.length} of ${plan.storedGroups} groups (${percent(groups)}), more than the allowed ${limit}.`,
    };
  return { ok: true };
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
