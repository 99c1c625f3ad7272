import { admin_directory_v1 } from '@googleapis/admin';
import type { OAuth2Client } from 'google-auth-library';
import type { DirectoryDomain, DirectoryGroup, DirectorySchema, DirectoryUser, PublicProfile } from '../../domain/directory/model.js';
import { SyncError, type GoogleCallRunner } from './google-calls.js';
import {
  toDirectoryDomain,
  toDirectoryGroup,
  toDirectorySchema,
  toDirectoryUser,
  toFetchedMember,
  toPublicProfile,
  type FetchedMember,
} from './map.js';

export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken?: string;
}

/**
 * What the sync reads from the Directory API, one call per method call. A port, so the fetcher
 * is indifferent to transport; the one implementation is Google's own client below.
 */
export interface DirectorySource {
  listDomains(): Promise<DirectoryDomain[]>;
  listSchemas(): Promise<DirectorySchema[]>;
  listUsers(pageToken?: string): Promise<Page<DirectoryUser>>;
  /**
   * One domain's users as its employees see them (`viewType=domain_public`): Google applies the
   * domain's profile-sharing settings, custom fields' `readAccessType` and leaves out people hidden
   * from the directory. Google lists this view by domain only.
   */
  listPublicUsers(domain: string, pageToken?: string): Promise<Page<PublicProfile>>;
  listGroups(pageToken?: string): Promise<Page<DirectoryGroup>>;
  /** Undefined when the group no longer exists (deleted between groups.list and members.list). */
  listMembers(groupId: string, pageToken?: string): Promise<Page<FetchedMember> | undefined>;
  /** One user by id; undefined when Google no longer has it (404). */
  getUser(userId: string): Promise<DirectoryUser | undefined>;
  /** One user as colleagues see them (`viewType=domain_public`); undefined when that view does not show them. */
  getPublicUser(userId: string): Promise<PublicProfile | undefined>;
  /** One group by id; undefined when Google no longer has it (404). */
  getGroup(groupId: string): Promise<DirectoryGroup | undefined>;
}

/** Largest pages Google allows: fewer calls is the whole game under a per-minute quota. */
export const PAGE_SIZES = { users: 500, groups: 200, members: 200 } as const;

// Every fields mask names nextPageToken: without it Google omits the token and paging stops after page one.
const USER_ITEM_FIELDS = [
  'id,primaryEmail,aliases,nonEditableAliases,name,thumbnailPhotoUrl,organizations,orgUnitPath,locations,phones,relations,keywords',
  'customSchemas,suspended,archived,isAdmin,includeInGlobalAddressList,etag',
].join(',');
const USER_FIELDS = `nextPageToken,users(${USER_ITEM_FIELDS})`;
const PUBLIC_USER_ITEM_FIELDS = 'id,aliases,nonEditableAliases,organizations,locations,phones,relations,keywords,customSchemas';
const PUBLIC_USER_FIELDS = `nextPageToken,users(${PUBLIC_USER_ITEM_FIELDS})`;
const GROUP_ITEM_FIELDS = 'id,email,name,description,aliases,nonEditableAliases,etag';
const GROUP_FIELDS = `nextPageToken,groups(${GROUP_ITEM_FIELDS})`;
const MEMBER_FIELDS = 'nextPageToken,members(id,email,role,type,status)';
const DOMAIN_FIELDS = 'domains(domainName,isPrimary,verified,domainAliases(domainAliasName))';
const SCHEMA_FIELDS = 'schemas(schemaName,displayName,fields(fieldName,fieldType,displayName,multiValued,readAccessType))';

/** gaxios' own retry off: GoogleCallRunner owns the policy. */
const NO_GAXIOS_RETRY = { retry: false } as const;

export class GoogleDirectorySource implements DirectorySource {
  private readonly admin: admin_directory_v1.Admin;

  constructor(
    auth: OAuth2Client,
    rootUrl: string,
    private readonly runner: GoogleCallRunner,
  ) {
    this.admin = new admin_directory_v1.Admin({ auth, rootUrl });
  }

  async listDomains(): Promise<DirectoryDomain[]> {
    const { data } = await this.runner.call('domains.list', () =>
      this.admin.domains.list({ customer: 'my_customer', fields: DOMAIN_FIELDS }, NO_GAXIOS_RETRY),
    );
    return (data.domains ?? []).map(toDirectoryDomain);
  }

  async listSchemas(): Promise<DirectorySchema[]> {
    const { data } = await this.runner.call('schemas.list', () =>
      this.admin.schemas.list({ customerId: 'my_customer', fields: SCHEMA_FIELDS }, NO_GAXIOS_RETRY),
    );
    return (data.schemas ?? []).map(toDirectorySchema);
  }

  async listUsers(pageToken?: string): Promise<Page<DirectoryUser>> {
    const { data } = await this.runner.call('users.list', () =>
      this.admin.users.list(
        {
          customer: 'my_customer',
          projection: 'full',
          viewType: 'admin_view',
          maxResults: PAGE_SIZES.users,
          fields: USER_FIELDS,
          pageToken,
        },
        NO_GAXIOS_RETRY,
      ),
    );
    return page((data.users ?? []).map(toDirectoryUser), data.nextPageToken);
  }

  async listPublicUsers(domain: string, pageToken?: string): Promise<Page<PublicProfile>> {
    const { data } = await this.runner.call(`users.list (domain_public) of ${domain}`, () =>
      this.admin.users.list(
        { domain, projection: 'full', viewType: 'domain_public', maxResults: PAGE_SIZES.users, fields: PUBLIC_USER_FIELDS, pageToken },
        NO_GAXIOS_RETRY,
      ),
    );
    return page((data.users ?? []).map(toPublicProfile), data.nextPageToken);
  }

  async listGroups(pageToken?: string): Promise<Page<DirectoryGroup>> {
    const { data } = await this.runner.call('groups.list', () =>
      this.admin.groups.list({ customer: 'my_customer', maxResults: PAGE_SIZES.groups, fields: GROUP_FIELDS, pageToken }, NO_GAXIOS_RETRY),
    );
    return page((data.groups ?? []).map(toDirectoryGroup), data.nextPageToken);
  }

  async listMembers(groupId: string, pageToken?: string): Promise<Page<FetchedMember> | undefined> {
    try {
      const { data } = await this.runner.call(`members.list of group ${groupId}`, () =>
        this.admin.members.list({ groupKey: groupId, maxResults: PAGE_SIZES.members, fields: MEMBER_FIELDS, pageToken }, NO_GAXIOS_RETRY),
      );
      return page((data.members ?? []).map(toFetchedMember), data.nextPageToken);
    } catch (error) {
      return notFoundAsUndefined(error);
    }
  }

  async getUser(userId: string): Promise<DirectoryUser | undefined> {
    try {
      const { data } = await this.runner.call(`users.get of user ${userId}`, () =>
        this.admin.users.get({ userKey: userId, projection: 'full', viewType: 'admin_view', fields: USER_ITEM_FIELDS }, NO_GAXIOS_RETRY),
      );
      return toDirectoryUser(data);
    } catch (error) {
      return notFoundAsUndefined(error);
    }
  }

  async getPublicUser(userId: string): Promise<PublicProfile | undefined> {
    try {
      const { data } = await this.runner.call(`users.get (domain_public) of user ${userId}`, () =>
        this.admin.users.get(
          { userKey: userId, projection: 'full', viewType: 'domain_public', fields: PUBLIC_USER_ITEM_FIELDS },
          NO_GAXIOS_RETRY,
        ),
      );
      return toPublicProfile(data);
    } catch (error) {
      return notFoundAsUndefined(error);
    }
  }

  async getGroup(groupId: string): Promise<DirectoryGroup | undefined> {
    try {
      const { data } = await this.runner.call(`groups.get of group ${groupId}`, () =>
        this.admin.groups.get({ groupKey: groupId, fields: GROUP_ITEM_FIELDS }, NO_GAXIOS_RETRY),
      );
      return toDirectoryGroup(data);
    } catch (error) {
      return notFoundAsUndefined(error);
    }
  }
}

/** Google's 404 for a user, group or member list that no longer exists means "gone"; anything else stays an error. */
function notFoundAsUndefined(error: unknown): undefined {
  if (error instanceof SyncError && error.googleStatus === 404) return undefined;
  throw error;
}

function page<T>(items: T[], nextPageToken: string | null | undefined): Page<T> {
  return nextPageToken ? { items, nextPageToken } : { items };
}
