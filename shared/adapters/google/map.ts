import type { admin_directory_v1 } from '@googleapis/admin';
import type {
  DirectoryDomain,
  DirectoryGroup,
  DirectorySchema,
  DirectoryUser,
  FetchedMember,
  PublicProfile,
  SharedProfile,
} from '../../domain/directory/model.js';

export type { FetchedMember };

/**
 * Google's Directory resources → what the intranet stores. Pure functions: Google's optional and
 * nullable fields become explicit defaults, so a stored record always has the same shape and its
 * content hash only moves when something the intranet uses changes.
 */
type GUser = admin_directory_v1.Schema$User;

interface GOrganization {
  title?: string;
  department?: string;
  primary?: boolean;
}
interface GLocation {
  type?: string;
  area?: string;
  buildingId?: string;
  floorName?: string;
  deskCode?: string;
}
interface GPhone {
  type?: string;
  value?: string;
  primary?: boolean;
}
interface GRelation {
  type?: string;
  value?: string;
}
interface GKeyword {
  value?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const list = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
/** Only defined keys, so records compare and hash the same whatever Google left out. */
const compact = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export function toDirectoryUser(user: GUser): DirectoryUser {
  if (!user.id || !user.primaryEmail) throw new Error('Google returned a user without id or primaryEmail.');
  const fullName = text(user.name?.fullName) ?? [user.name?.givenName, user.name?.familyName].filter(Boolean).join(' ');
  return compact<DirectoryUser>({
    id: user.id,
    primaryEmail: user.primaryEmail.toLowerCase(),
    name: { fullName, givenName: text(user.name?.givenName) ?? '', familyName: text(user.name?.familyName) ?? '' },
    photoUrl: text(user.thumbnailPhotoUrl),
    orgUnitPath: text(user.orgUnitPath),
    ...profileFields(user),
    suspended: user.suspended === true,
    archived: user.archived === true,
    isAdmin: user.isAdmin === true,
    visibleInDirectory: user.includeInGlobalAddressList !== false,
    etag: text(user.etag),
  });
}

/** A user of a `domain_public` listing: what colleagues may see of them. */
export function toPublicProfile(user: GUser): PublicProfile {
  if (!user.id) throw new Error('Google returned a user without id.');
  return { id: user.id, ...profileFields(user) };
}

/** The profile fields both views carry; in the public view Google has already left out what colleagues may not see. */
function profileFields(user: GUser): SharedProfile {
  const organizations = list<GOrganization>(user.organizations);
  const organization = organizations.find((o) => o.primary) ?? organizations[0];
  const manager = list<GRelation>(user.relations).find((r) => r.type === 'manager');
  return compact<SharedProfile>({
    aliases: [...(user.aliases ?? []), ...(user.nonEditableAliases ?? [])].map((a) => a.toLowerCase()),
    title: text(organization?.title),
    department: text(organization?.department),
    locations: list<GLocation>(user.locations).map((l) =>
      compact({
        type: text(l.type),
        area: text(l.area),
        buildingId: text(l.buildingId),
        floorName: text(l.floorName),
        deskCode: text(l.deskCode),
      }),
    ),
    phones: list<GPhone>(user.phones)
      .filter((p) => text(p.value))
      .map((p) => compact({ type: text(p.type), value: String(p.value) })),
    managerEmail: text(manager?.value)?.toLowerCase(),
    keywords: list<GKeyword>(user.keywords)
      .map((k) => text(k.value))
      .filter((k): k is string => k !== undefined),
    customSchemas: (user.customSchemas ?? {}) as SharedProfile['customSchemas'],
  });
}

export function toDirectoryGroup(group: admin_directory_v1.Schema$Group): DirectoryGroup {
  if (!group.id || !group.email) throw new Error('Google returned a group without id or email.');
  return compact<DirectoryGroup>({
    id: group.id,
    email: group.email.toLowerCase(),
    name: text(group.name) ?? group.email,
    description: text(group.description) ?? '',
    aliases: [...(group.aliases ?? []), ...(group.nonEditableAliases ?? [])].map((a) => a.toLowerCase()),
    etag: text(group.etag),
  });
}

export function toFetchedMember(member: admin_directory_v1.Schema$Member): FetchedMember {
  return compact<FetchedMember>({
    id: text(member.id),
    email: text(member.email)?.toLowerCase(),
    role: text(member.role) ?? 'MEMBER',
    type: text(member.type) ?? 'USER',
    status: text(member.status),
  });
}

export function toDirectoryDomain(domain: admin_directory_v1.Schema$Domains): DirectoryDomain {
  return {
    domainName: String(domain.domainName).toLowerCase(),
    isPrimary: domain.isPrimary === true,
    verified: domain.verified === true,
    aliases: (domain.domainAliases ?? []).map((a) => String(a.domainAliasName).toLowerCase()),
  };
}

export function toDirectorySchema(schema: admin_directory_v1.Schema$Schema): DirectorySchema {
  return compact<DirectorySchema>({
    schemaName: String(schema.schemaName),
    displayName: text(schema.displayName),
    fields: (schema.fields ?? []).map((f) =>
      compact({
        fieldName: String(f.fieldName),
        fieldType: text(f.fieldType) ?? 'STRING',
        displayName: text(f.displayName),
        multiValued: f.multiValued === true,
        // Google's default: a field every user of the domain may read.
        readAccessType: text(f.readAccessType) ?? 'ALL_DOMAIN_USERS',
        // Google's default is indexed (searchable); kept only when Google says otherwise, so stored hashes do not move.
        indexed: f.indexed === false ? false : undefined,
      }),
    ),
  });
}
