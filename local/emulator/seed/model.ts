/**
 * The emulator's directory in Google's own wire shapes (Admin SDK Directory API resources), so the
 * API serves stored objects as they are, with only projection and field masks applied.
 */
export interface UserName {
  givenName: string;
  familyName: string;
  fullName: string;
}

export interface DirectoryUserResource {
  kind: 'admin#directory#user';
  id: string;
  etag: string;
  primaryEmail: string;
  name: UserName;
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  lastLoginTime: string;
  creationTime: string;
  agreedToTerms: boolean;
  suspended: boolean;
  suspensionReason?: string;
  archived: boolean;
  changePasswordAtNextLogin: boolean;
  ipWhitelisted: boolean;
  emails: Array<{ address: string; primary?: boolean }>;
  aliases?: string[];
  nonEditableAliases?: string[];
  customerId: string;
  orgUnitPath: string;
  isMailboxSetup: boolean;
  isEnrolledIn2Sv: boolean;
  isEnforcedIn2Sv: boolean;
  includeInGlobalAddressList: boolean;
  thumbnailPhotoUrl?: string;
  thumbnailPhotoEtag?: string;
  organizations?: Array<{ title?: string; department?: string; primary?: boolean; customType?: string; description?: string }>;
  locations?: Array<{ type: string; area: string; buildingId?: string; floorName?: string; deskCode?: string }>;
  phones?: Array<{ value: string; type: string; primary?: boolean }>;
  relations?: Array<{ value: string; type: string }>;
  externalIds?: Array<{ value: string; type: string }>;
  keywords?: Array<{ value: string; type: string }>;
  customSchemas?: Record<string, Record<string, unknown>>;
  /** Only on deleted users (listed with showDeleted=true). */
  deletionTime?: string;
}

export interface DirectoryGroupResource {
  kind: 'admin#directory#group';
  id: string;
  etag: string;
  email: string;
  name: string;
  directMembersCount: string;
  description: string;
  adminCreated: boolean;
  aliases?: string[];
  nonEditableAliases?: string[];
}

export type MemberType = 'USER' | 'GROUP' | 'CUSTOMER';
export type MemberRole = 'OWNER' | 'MANAGER' | 'MEMBER';

export interface DirectoryMemberResource {
  kind: 'admin#directory#member';
  etag: string;
  id: string;
  /** Absent for the CUSTOMER member (the whole tenant). */
  email?: string;
  role: MemberRole;
  type: MemberType;
  status?: 'ACTIVE' | 'SUSPENDED' | 'ARCHIVED';
  delivery_settings?: 'ALL_MAIL';
}

/** A user's membership of a group, as members.list returns it (the seed and the store's members.insert build it alike). */
export function userMember(user: DirectoryUserResource, role: MemberRole, etag: string): DirectoryMemberResource {
  return {
    kind: 'admin#directory#member',
    etag,
    id: user.id,
    email: user.primaryEmail,
    role,
    type: 'USER',
    status: user.suspended ? 'SUSPENDED' : 'ACTIVE',
    delivery_settings: 'ALL_MAIL',
  };
}

/** A group nested in another, as members.list returns it. */
export function groupMember(group: DirectoryGroupResource, role: MemberRole, etag: string): DirectoryMemberResource {
  return { kind: 'admin#directory#member', etag, id: group.id, email: group.email, role, type: 'GROUP', status: 'ACTIVE' };
}

export interface DirectoryDomainResource {
  kind: 'admin#directory#domain';
  etag: string;
  domainName: string;
  isPrimary: boolean;
  verified: boolean;
  /** Milliseconds since the epoch as an int64 string (Discovery: type string, format int64), unlike users' RFC 3339. */
  creationTime: string;
}

export interface SchemaFieldSpec {
  kind: 'admin#directory#schema#fieldspec';
  fieldId: string;
  etag: string;
  fieldType: 'STRING' | 'INT64' | 'BOOL' | 'DATE';
  fieldName: string;
  displayName: string;
  multiValued: boolean;
  readAccessType: 'ALL_DOMAIN_USERS' | 'ADMINS_AND_SELF';
}

export interface DirectorySchemaResource {
  kind: 'admin#directory#schema';
  schemaId: string;
  etag: string;
  schemaName: string;
  displayName: string;
  fields: SchemaFieldSpec[];
}

/** Everything the Directory API serves for one tenant. */
export interface DirectoryData {
  customerId: string;
  primaryDomain: string;
  domains: DirectoryDomainResource[];
  schemas: DirectorySchemaResource[];
  users: DirectoryUserResource[];
  groups: DirectoryGroupResource[];
  /** Direct members per group id, in insertion order. */
  members: Map<string, DirectoryMemberResource[]>;
  /** The super admin the service account impersonates (ada@example.com). */
  adminEmail: string;
  /**
   * The domains' profile-sharing settings (Admin console → Directory settings → Sharing settings):
   * per domain, the contact fields colleagues see in `viewType=domain_public`. A domain not named
   * shares every public contact field (Google's default). No Admin SDK method reads these settings,
   * so a client learns them only through what `domain_public` returns.
   */
  sharedContactFields: Record<string, readonly SharedContactField[]>;
}

/** Profile fields a domain's sharing settings can hide from colleagues. */
export const SHARED_CONTACT_FIELDS = ['phones', 'locations', 'addresses', 'relations', 'organizations', 'externalIds'] as const;
export type SharedContactField = (typeof SHARED_CONTACT_FIELDS)[number];
