import type { DirectoryDomain, DirectoryGroup, DirectorySchema, DirectoryUser, FetchedMember, PublicProfile } from '../directory/model.js';

/**
 * What a run has fetched so far. It only grows page by page, and each page is recorded as a delta,
 * so the run can be checkpointed at any moment (the deltas since the last checkpoint are staged in
 * DynamoDB) and rebuilt by replaying the staged deltas in a fresh invocation.
 */
export interface Cursor {
  /** Token of the next page to fetch; undefined at the start and at the end. */
  next?: string;
  done: boolean;
}

export interface GroupMembers extends Cursor {
  members: FetchedMember[];
  /** The group vanished between groups.list and members.list. */
  gone?: boolean;
}

export interface Snapshot {
  domains?: DirectoryDomain[];
  schemas?: DirectorySchema[];
  users: DirectoryUser[];
  usersCursor: Cursor;
  /** What employees see of each user (the domain_public listing), and its cursor per domain. */
  publicProfiles: PublicProfile[];
  publicCursors: Record<string, Cursor>;
  groups: DirectoryGroup[];
  groupsCursor: Cursor;
  members: Map<string, GroupMembers>;
}

/** The pages fetched since the last checkpoint. */
export interface SnapshotDelta {
  domains?: DirectoryDomain[];
  schemas?: DirectorySchema[];
  users: DirectoryUser[];
  usersCursor?: Cursor;
  publicProfiles: PublicProfile[];
  publicCursors: Record<string, Cursor>;
  groups: DirectoryGroup[];
  groupsCursor?: Cursor;
  memberPages: Array<{ groupId: string; members: FetchedMember[]; cursor: Cursor; gone?: boolean }>;
}

export function emptySnapshot(): Snapshot {
  return {
    users: [],
    usersCursor: { done: false },
    publicProfiles: [],
    publicCursors: {},
    groups: [],
    groupsCursor: { done: false },
    members: new Map(),
  };
}

export function emptyDelta(): SnapshotDelta {
  return { users: [], publicProfiles: [], publicCursors: {}, groups: [], memberPages: [] };
}

export function isDeltaEmpty(delta: SnapshotDelta): boolean {
  return (
    !delta.domains &&
    !delta.schemas &&
    !delta.usersCursor &&
    Object.keys(delta.publicCursors).length === 0 &&
    !delta.groupsCursor &&
    delta.memberPages.length === 0
  );
}

/** Replays a delta onto a snapshot (resume) — the same mutation the fetcher makes live. */
export function applyDelta(snapshot: Snapshot, delta: SnapshotDelta): void {
  if (delta.domains) snapshot.domains = delta.domains;
  if (delta.schemas) snapshot.schemas = delta.schemas;
  for (const user of delta.users) snapshot.users.push(user);
  if (delta.usersCursor) snapshot.usersCursor = delta.usersCursor;
  for (const profile of delta.publicProfiles) snapshot.publicProfiles.push(profile);
  Object.assign(snapshot.publicCursors, delta.publicCursors);
  for (const group of delta.groups) snapshot.groups.push(group);
  if (delta.groupsCursor) snapshot.groupsCursor = delta.groupsCursor;
  for (const page of delta.memberPages) {
    const entry = snapshot.members.get(page.groupId) ?? { members: [], done: false };
    entry.members.push(...page.members);
    entry.next = page.cursor.next;
    entry.done = page.cursor.done;
    if (page.gone) entry.gone = true;
    snapshot.members.set(page.groupId, entry);
  }
}

/** Adds `later` to `delta`, as if its pages had been recorded after `delta`'s (a later cursor wins). */
export function appendDelta(delta: SnapshotDelta, later: SnapshotDelta): void {
  if (later.domains) delta.domains = later.domains;
  if (later.schemas) delta.schemas = later.schemas;
  delta.users.push(...later.users);
  if (later.usersCursor) delta.usersCursor = later.usersCursor;
  delta.publicProfiles.push(...later.publicProfiles);
  Object.assign(delta.publicCursors, later.publicCursors);
  delta.groups.push(...later.groups);
  if (later.groupsCursor) delta.groupsCursor = later.groupsCursor;
  delta.memberPages.push(...later.memberPages);
}
