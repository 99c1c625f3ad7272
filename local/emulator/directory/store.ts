/**
 * The live tenant: seeded data plus the mutations tests make (add, update, suspend, delete users;
 * add and remove members; add and delete groups). Keeps lookup indexes by id, email and alias, and caches
 * sorted, filtered user lists per query so a page of a 100,000-user listing is a slice, not a scan.
 */
import { randomBytes } from 'node:crypto';
import {
  groupMember,
  userMember,
  type DirectoryData,
  type DirectoryGroupResource,
  type DirectoryMemberResource,
  type DirectoryUserResource,
  type MemberRole,
} from '../seed/model.js';
import { randomGoogleId } from '../seed/random.js';

export type UserPatch = Partial<Omit<DirectoryUserResource, 'kind' | 'id' | 'etag' | 'customerId'>>;

export interface NewUser extends UserPatch {
  readonly primaryEmail: string;
  readonly name: DirectoryUserResource['name'];
}

const LIST_CACHE_SIZE = 32;

export class DirectoryStore {
  private readonly usersById = new Map<string, DirectoryUserResource>();
  private readonly usersByEmail = new Map<string, DirectoryUserResource>();
  private readonly groupsById = new Map<string, DirectoryGroupResource>();
  private readonly groupsByEmail = new Map<string, DirectoryGroupResource>();
  private readonly listCache = new Map<string, { version: number; items: readonly unknown[] }>();
  /** Bumped by every mutation; cached lists and page tokens of an older version are recomputed. */
  private version = 0;
  private byEmail: readonly DirectoryUserResource[] | undefined;

  constructor(readonly data: DirectoryData) {
    for (const user of data.users) this.indexUser(user);
    for (const group of data.groups) this.indexGroup(group);
    this.usersInEmailOrder(); // sorted once at start, so the first page of a listing is a filter, not a sort
  }

  /** Every user (deleted ones included) by primary email: the base order of every users.list. */
  usersInEmailOrder(): readonly DirectoryUserResource[] {
    this.byEmail ??= [...this.data.users].sort((a, b) => (a.primaryEmail < b.primaryEmail ? -1 : a.primaryEmail > b.primaryEmail ? 1 : 0));
    return this.byEmail;
  }

  get customerId(): string {
    return this.data.customerId;
  }

  get users(): readonly DirectoryUserResource[] {
    return this.data.users;
  }

  get groups(): readonly DirectoryGroupResource[] {
    return this.data.groups;
  }

  get domains() {
    return this.data.domains;
  }

  get admin(): DirectoryUserResource {
    return this.user(this.data.adminEmail)!;
  }

  /** By id, primary email or alias (case-insensitive); deleted users included. */
  user(key: string): DirectoryUserResource | undefined {
    return this.usersById.get(key) ?? this.usersByEmail.get(key.toLowerCase());
  }

  group(key: string): DirectoryGroupResource | undefined {
    return this.groupsById.get(key) ?? this.groupsByEmail.get(key.toLowerCase());
  }

  /** Direct members of a group. */
  members(groupId: string): readonly DirectoryMemberResource[] {
    return this.data.members.get(groupId) ?? [];
  }

  isTenantDomain(domain: string): boolean {
    return this.data.domains.some((d) => d.domainName === domain.toLowerCase());
  }

  /** A list computed once per store version and cache key (e.g. a users.list query and order). */
  cachedList<T>(key: string, compute: () => readonly T[]): readonly T[] {
    const hit = this.listCache.get(key);
    if (hit && hit.version === this.version) return hit.items as readonly T[];
    const items = compute();
    if (this.listCache.size >= LIST_CACHE_SIZE) this.listCache.delete(this.listCache.keys().next().value!);
    this.listCache.set(key, { version: this.version, items });
    return items;
  }

  get currentVersion(): number {
    return this.version;
  }

  // Mutations, for tests of sync and sign-in.

  addUser(input: NewUser): DirectoryUserResource {
    if (this.user(input.primaryEmail)) throw new Error(`User ${input.primaryEmail} exists.`);
    const admin = this.admin;
    const user: DirectoryUserResource = {
      ...admin,
      isAdmin: false,
      aliases: undefined,
      relations: [{ value: admin.primaryEmail, type: 'manager' }],
      ...input,
      kind: 'admin#directory#user',
      id: randomGoogleId(),
      etag: newEtag(),
      emails: [{ address: input.primaryEmail, primary: true }],
      customerId: this.customerId,
      creationTime: new Date().toISOString(),
    };
    if (!user.aliases) delete user.aliases;
    this.data.users.push(user);
    this.indexUser(user);
    this.changed();
    return user;
  }

  updateUser(key: string, patch: UserPatch): DirectoryUserResource {
    const user = this.requireUser(key);
    this.unindexUser(user);
    Object.assign(user, patch, { etag: newEtag() });
    this.indexUser(user);
    for (const list of this.data.members.values()) {
      for (const member of list) {
        if (member.id === user.id)
          Object.assign(member, { email: user.primaryEmail, status: user.suspended ? 'SUSPENDED' : 'ACTIVE', etag: newEtag() });
      }
    }
    this.changed();
    return user;
  }

  suspendUser(key: string, suspended = true): DirectoryUserResource {
    return this.updateUser(
      key,
      suspended ? { suspended: true, suspensionReason: 'ADMIN' } : { suspended: false, suspensionReason: undefined },
    );
  }

  /** Google keeps a deleted user for 20 days (listed with showDeleted=true) and drops its memberships. */
  deleteUser(key: string): DirectoryUserResource {
    const user = this.requireUser(key);
    for (const [groupId, list] of this.data.members)
      this.setMembers(
        groupId,
        list.filter((m) => m.id !== user.id),
      );
    return this.updateUser(user.id, { deletionTime: new Date().toISOString() });
  }

  addMember(groupKey: string, memberKey: string, role: MemberRole = 'MEMBER'): DirectoryMemberResource {
    const group = this.requireGroup(groupKey);
    const user = this.user(memberKey);
    const nested = user ? undefined : this.group(memberKey);
    const member: DirectoryMemberResource = user
      ? userMember(user, role, newEtag())
      : nested
        ? groupMember(nested, role, newEtag())
        : {
            kind: 'admin#directory#member',
            etag: newEtag(),
            id: randomGoogleId(),
            email: memberKey.toLowerCase(),
            role,
            type: 'USER',
            status: 'ACTIVE',
            delivery_settings: 'ALL_MAIL',
          };
    const list = this.members(group.id).filter((m) => m.id !== member.id);
    this.setMembers(group.id, [...list, member]);
    this.changed();
    return member;
  }

  removeMember(groupKey: string, memberKey: string): void {
    const group = this.requireGroup(groupKey);
    const key = memberKey.toLowerCase();
    const id = this.user(memberKey)?.id ?? this.group(memberKey)?.id ?? memberKey;
    this.setMembers(
      group.id,
      this.members(group.id).filter((m) => m.id !== id && m.email !== key),
    );
    this.changed();
  }

  addGroup(input: { readonly email: string; readonly name: string; readonly description?: string }): DirectoryGroupResource {
    if (this.group(input.email)) throw new Error(`Group ${input.email} exists.`);
    const group: DirectoryGroupResource = {
      kind: 'admin#directory#group',
      id: `0${randomBytes(7).toString('hex')}`,
      etag: newEtag(),
      email: input.email.toLowerCase(),
      name: input.name,
      directMembersCount: '0',
      description: input.description ?? '',
      adminCreated: true,
    };
    this.data.groups.push(group);
    this.data.members.set(group.id, []);
    this.indexGroup(group);
    this.changed();
    return group;
  }

  /** A new primary address; the old one is not kept as an alias (the harder case for a reader that knew the old one). */
  renameGroup(groupKey: string, email: string): DirectoryGroupResource {
    const group = this.requireGroup(groupKey);
    for (const old of [group.email, ...(group.aliases ?? [])]) this.groupsByEmail.delete(old.toLowerCase());
    Object.assign(group, { email: email.toLowerCase(), etag: newEtag() });
    this.indexGroup(group);
    this.changed();
    return group;
  }

  deleteGroup(groupKey: string): void {
    const group = this.requireGroup(groupKey);
    this.data.groups.splice(this.data.groups.indexOf(group), 1);
    this.data.members.delete(group.id);
    this.groupsById.delete(group.id);
    for (const email of [group.email, ...(group.aliases ?? [])]) this.groupsByEmail.delete(email.toLowerCase());
    for (const [groupId, list] of this.data.members)
      this.setMembers(
        groupId,
        list.filter((m) => m.id !== group.id),
      );
    this.changed();
  }

  private setMembers(groupId: string, list: DirectoryMemberResource[]): void {
    const group = this.groupsById.get(groupId);
    if (!group) return;
    const before = this.data.members.get(groupId)?.length;
    this.data.members.set(groupId, list);
    if (before !== list.length) Object.assign(group, { directMembersCount: String(list.length), etag: newEtag() });
  }

  private requireUser(key: string): DirectoryUserResource {
    const user = this.user(key);
    if (!user) throw new Error(`No user ${key}.`);
    return user;
  }

  private requireGroup(key: string): DirectoryGroupResource {
    const group = this.group(key);
    if (!group) throw new Error(`No group ${key}.`);
    return group;
  }

  private indexUser(user: DirectoryUserResource): void {
    this.usersById.set(user.id, user);
    for (const email of [user.primaryEmail, ...(user.aliases ?? [])]) this.usersByEmail.set(email.toLowerCase(), user);
  }

  private unindexUser(user: DirectoryUserResource): void {
    for (const email of [user.primaryEmail, ...(user.aliases ?? [])]) this.usersByEmail.delete(email.toLowerCase());
  }

  private indexGroup(group: DirectoryGroupResource): void {
    this.groupsById.set(group.id, group);
    for (const email of [group.email, ...(group.aliases ?? [])]) this.groupsByEmail.set(email.toLowerCase(), group);
  }

  private changed(): void {
    this.version++;
    this.byEmail = undefined;
  }
}

function newEtag(): string {
  return `"${randomBytes(20).toString('base64url')}/${randomBytes(20).toString('base64url')}"`;
}
