import type { MemberRole, UserRecord } from '../../contract/api.js';

/**
 * The synced directory as the intranet stores it: what sign-in, people search and access checks
 * read, and what directory sync writes. Field names follow the Admin SDK where they map one to one.
 */
export interface DirectoryUser extends UserRecord {
  readonly isAdmin: boolean;
  /** Google's etag of the user resource, to skip unchanged writes. */
  readonly etag?: string;
  /**
   * What colleagues may see, as Google's `domain_public` view returned it; the rest of the record
   * (read with `admin_view`) is for the person themself and admins. Absent when that view did not
   * return the user (hidden from the directory, or not read yet): then colleagues see nothing of it.
   */
  readonly shared?: SharedProfile;
}

/**
 * A user's fields that Google's `domain_public` view returns: what the domain's profile-sharing
 * settings and each custom field's `readAccessType` let every user of the domain see.
 */
export interface SharedProfile {
  readonly aliases: readonly string[];
  readonly title?: string;
  readonly department?: string;
  readonly locations: UserRecord['locations'];
  readonly phones: UserRecord['phones'];
  /** The manager's email, from `relations[type=manager]`. */
  readonly managerEmail?: string;
  readonly keywords: readonly string[];
  readonly customSchemas: UserRecord['customSchemas'];
}

/** One user of a `domain_public` listing. */
export interface PublicProfile extends SharedProfile {
  readonly id: string;
}

const NOTHING_SHARED: SharedProfile = { aliases: [], locations: [], phones: [], keywords: [], customSchemas: {} };

/** What a colleague may see of `user`: nothing beyond name, email and photo when Google's public view did not show them. */
export function sharedProfileOf(user: DirectoryUser): SharedProfile {
  return user.shared ?? NOTHING_SHARED;
}

/** Why a user may not sign in, or undefined when they may. */
export type AccountBlock = 'suspended' | 'archived' | 'deleted';

export function accountBlock(user: DirectoryUser): AccountBlock | undefined {
  if (user.deletedAt) return 'deleted';
  if (user.suspended) return 'suspended';
  if (user.archived) return 'archived';
  return undefined;
}

/** A Google group as the intranet stores it; Channels and Pages are shared with groups by id. */
export interface DirectoryGroup {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly description: string;
  readonly aliases: readonly string[];
  readonly etag?: string;
  /** Set when sync saw the group disappear (tombstone); the record is kept, its memberships removed. */
  readonly deletedAt?: string;
}

/**
 * How a group member is keyed: a user or group of this directory by id, the whole tenant
 * (Google's CUSTOMER member), or an address outside the directory (another domain's user or group).
 */
export type MemberKind = 'USER' | 'GROUP' | 'CUSTOMER' | 'EXTERNAL';

/** A member's key within its group: kind and Google's id (or, for an outside address, the email). */
export const memberKeyOf = (kind: MemberKind, idOrEmail: string): string => `${kind}#${idOrEmail}`;

/** One direct member of a group, as `members.list` returns it. */
export interface GroupMember {
  /** `USER#<id>`, `GROUP#<id>`, `CUSTOMER#<customerId>` or `EXTERNAL#<email>`: unique within a group. */
  readonly memberKey: string;
  readonly kind: MemberKind;
  /** Google's id of the member (user, group or customer id), when Google gives one. */
  readonly memberId?: string;
  readonly email?: string;
  readonly role: MemberRole;
  /** Google's `status` (ACTIVE, SUSPENDED, …) for user members. */
  readonly status?: string;
}

export interface DirectoryDomain {
  readonly domainName: string;
  readonly isPrimary: boolean;
  readonly verified: boolean;
  readonly aliases: readonly string[];
}

/** A custom user schema: its fields and who may read them (`ALL_DOMAIN_USERS` or `ADMINS_AND_SELF`). */
export interface DirectorySchema {
  readonly schemaName: string;
  readonly displayName?: string;
  readonly fields: readonly {
    readonly fieldName: string;
    readonly fieldType: string;
    readonly displayName?: string;
    readonly multiValued: boolean;
    readonly readAccessType: string;
    readonly indexed?: boolean;
  }[];
}

/** A member as members.list returns it; classified against the fetched directory when the run plans. */
export interface FetchedMember {
  readonly id?: string;
  readonly email?: string;
  readonly role: string;
  readonly type: string;
  readonly status?: string;
}
