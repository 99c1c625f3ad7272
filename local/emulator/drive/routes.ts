/**
 * The Drive API v3 methods the web client uses, as www.googleapis.com/drive/v3 answers them:
 * files.list (q subset, orderBy, fields, pageSize, pageToken), files.get, and permissions
 * create/list. Reading takes any Drive read scope; sharing takes the full `drive` scope and the
 * right to share the file. Created permissions are kept, so tests read back what was shared.
 */
import type { EmulatorContext, EmulatorModule } from '../module.js';
import { withFields } from '../fields.js';
import { GoogleApiError, json, type EmulatorRequest, type EmulatorRoute } from '../http.js';
import { page } from '../directory/paging.js';
import { callerFor, jsonBody, rfc3339, type Caller } from '../personal/caller.js';
import { Random } from '../seed/random.js';
import type { DirectoryUserResource } from '../seed/model.js';
import type { DriveFile, Person } from '../seed/personal.js';
import { parseDriveQuery, type Searchable } from './query.js';

const AUTH = 'https://www.googleapis.com/auth/';
export const DRIVE_SCOPES = {
  drive: `${AUTH}drive`,
  readonly: `${AUTH}drive.readonly`,
  file: `${AUTH}drive.file`,
  metadata: `${AUTH}drive.metadata`,
  metadataReadonly: `${AUTH}drive.metadata.readonly`,
} as const;

const READ = [DRIVE_SCOPES.drive, DRIVE_SCOPES.readonly, DRIVE_SCOPES.metadata, DRIVE_SCOPES.metadataReadonly];
/** Sharing a file the app did not create needs `drive`; drive.file only covers files the app opened. */
const SHARE = [DRIVE_SCOPES.drive];
const BASE = '/drive/v3';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const FOLDER_NAMES = ['Team projects', 'Shared with my group', 'Archive', 'Onboarding'];
const ROLES = ['owner', 'organizer', 'fileOrganizer', 'writer', 'commenter', 'reader'] as const;
const TYPES = ['user', 'group', 'domain', 'anyone'] as const;

interface StoredFile extends Searchable {
  readonly owner: Person;
  readonly createdTime: number;
  readonly modifiedTime: number;
  readonly viewedByMeTime: number;
  readonly size?: number;
  readonly sharedWith: readonly Person[];
}

export interface DrivePermission {
  readonly kind: 'drive#permission';
  readonly id: string;
  readonly type: (typeof TYPES)[number];
  readonly role: (typeof ROLES)[number];
  readonly emailAddress?: string;
  readonly domain?: string;
  readonly displayName?: string;
  readonly deleted: boolean;
  readonly pendingOwner: boolean;
  /** Domain and anyone permissions: found by search (true) or by link only. */
  readonly allowFileDiscovery?: boolean;
}

export function driveRoutes(context: EmulatorContext): EmulatorRoute[] {
  /** Permissions created through the API, per file id. */
  const created = new Map<string, DrivePermission[]>();
  const filesOf = new Map<string, StoredFile[]>();

  const files = (caller: Caller): StoredFile[] => {
    let list = filesOf.get(caller.user.id);
    if (!list) {
      list = [...caller.data.files.map(fromSeed), ...folders(caller.user)];
      filesOf.set(caller.user.id, list);
    }
    return list;
  };
  const find = (caller: Caller, id: string): StoredFile => {
    const file = files(caller).find((f) => f.id === id);
    if (!file) throw new GoogleApiError(404, 'notFound', `File not found: ${id}.`);
    return file;
  };
  const permissionsOf = (file: StoredFile): DrivePermission[] => [
    personPermission(context, file.owner, 'owner'),
    ...file.sharedWith.map((p) => personPermission(context, p, 'writer')),
    ...(created.get(file.id) ?? []),
  ];
  const resource = (caller: Caller, file: StoredFile) => fileResource(context, caller, file, permissionsOf(file));
  const as =
    (scopes: readonly string[], handler: (caller: Caller, request: EmulatorRequest) => ReturnType<EmulatorRoute['handler']>) =>
    (request: EmulatorRequest) =>
      handler(callerFor(context, request, scopes), request);

  return [
    {
      method: 'GET',
      path: `${BASE}/files`,
      name: 'drive.files.list',
      handler: as(READ, (caller, { query }) => {
        const size = pageSize(query.get('pageSize'));
        const test = parseDriveQuery(query.get('q') ?? '');
        const order = ordering(query.get('orderBy'));
        const matching = files(caller).filter(test).sort(order);
        const result = page(
          matching,
          size,
          query.get('pageToken'),
          `drive:${caller.user.id}:${query.get('q') ?? ''}:${query.get('orderBy') ?? ''}`,
        );
        const body = {
          kind: 'drive#fileList',
          incompleteSearch: false,
          ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
          files: result.items.map((f) => resource(caller, f)),
        };
        return json(200, withFields(body, query.get('fields') ?? 'kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)'));
      }),
    },
    {
      method: 'GET',
      path: `${BASE}/files/{fileId}`,
      name: 'drive.files.get',
      handler: as(READ, (caller, request) => {
        const file = find(caller, request.params.fileId ?? '');
        return json(200, withFields(resource(caller, file), request.query.get('fields') ?? 'kind,id,name,mimeType'));
      }),
    },
    {
      method: 'GET',
      path: `${BASE}/files/{fileId}/permissions`,
      name: 'drive.permissions.list',
      handler: as(READ, (caller, request) => {
        const file = find(caller, request.params.fileId ?? '');
        const body = { kind: 'drive#permissionList', permissions: permissionsOf(file) };
        return json(
          200,
          withFields(
            body,
            request.query.get('fields') ?? 'kind,permissions(kind,id,type,role,emailAddress,domain,displayName,deleted,pendingOwner)',
          ),
        );
      }),
    },
    {
      method: 'POST',
      path: `${BASE}/files/{fileId}/permissions`,
      name: 'drive.permissions.create',
      handler: as(SHARE, (caller, request) => {
        const file = find(caller, request.params.fileId ?? '');
        if (file.owner.email !== caller.user.primaryEmail && !file.sharedWith.some((p) => p.email === caller.user.primaryEmail)) {
          throw new GoogleApiError(403, 'insufficientFilePermissions', 'The user does not have sufficient permissions for this file.');
        }
        const permission = newPermission(context, jsonBody(request));
        const list = created.get(file.id) ?? [];
        const existing = list.findIndex(
          (p) => p.type === permission.type && (p.emailAddress ?? p.domain) === (permission.emailAddress ?? permission.domain),
        );
        // Sharing again with the same grantee updates the role, as Drive does.
        if (existing >= 0) list.splice(existing, 1, permission);
        else list.push(permission);
        created.set(file.id, list);
        const defaults =
          permission.type === 'domain' || permission.type === 'anyone' ? 'kind,id,type,role,allowFileDiscovery' : 'kind,id,type,role';
        return json(200, withFields(permission, request.query.get('fields') ?? defaults));
      }),
    },
  ];
}

function pageSize(raw: string | null): number {
  if (raw === null || raw === '') return 100;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new GoogleApiError(400, 'invalid', 'Invalid Value');
  return n;
}

const ORDER_KEYS: Record<string, (f: StoredFile) => number | string> = {
  createdTime: (f) => f.createdTime,
  folder: (f) => (f.mimeType === FOLDER_MIME ? 0 : 1),
  modifiedByMeTime: (f) => f.modifiedTime,
  modifiedTime: (f) => f.modifiedTime,
  name: (f) => f.name.toLowerCase(),
  name_natural: (f) => f.name.toLowerCase(),
  quotaBytesUsed: (f) => f.size ?? 0,
  recency: (f) => Math.max(f.modifiedTime, f.viewedByMeTime),
  starred: (f) => (f.starred ? 0 : 1),
  viewedByMeTime: (f) => f.viewedByMeTime,
};

/** Drive's orderBy: comma-separated keys, each optionally followed by `desc`. */
function ordering(raw: string | null): (a: StoredFile, b: StoredFile) => number {
  const keys = (raw ?? 'folder,name').split(',').map((part) => {
    const [key, direction, ...rest] = part.trim().split(/\s+/);
    const get = key ? ORDER_KEYS[key] : undefined;
    if (!get || rest.length > 0 || (direction !== undefined && direction !== 'desc' && direction !== 'asc')) {
      throw new GoogleApiError(400, 'invalid', `Invalid Value`);
    }
    return { get, sign: direction === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { get, sign } of keys) {
      const x = get(a);
      const y = get(b);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}

function fromSeed(file: DriveFile): StoredFile {
  return {
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    trashed: file.trashed,
    starred: file.starred,
    parents: ['root'],
    text: file.name,
    owner: file.owner,
    createdTime: file.modifiedTime - 86_400_000,
    modifiedTime: file.modifiedTime,
    viewedByMeTime: file.viewedByMeTime,
    ...(file.mimeType.startsWith('application/vnd.google-apps.') ? {} : { size: file.size }),
    sharedWith: file.sharedWith,
  };
}

/** The seed has files only: each user also owns a few folders (deterministic per user), to share with groups. */
function folders(user: DirectoryUserResource): StoredFile[] {
  const random = new Random('drive-folders', user.id);
  const me = { name: user.name.fullName, email: user.primaryEmail };
  const base = Date.UTC(2026, 0, 1);
  return FOLDER_NAMES.map((name, i) => {
    const modifiedTime = base + random.int(0, 300) * 86_400_000;
    return {
      id: random.hex(33),
      name,
      mimeType: FOLDER_MIME,
      trashed: false,
      starred: false,
      parents: ['root'],
      text: name,
      owner: me,
      createdTime: modifiedTime - (i + 1) * 86_400_000,
      modifiedTime,
      viewedByMeTime: modifiedTime,
      sharedWith: [],
    };
  });
}

function personPermission(context: EmulatorContext, person: Person, role: DrivePermission['role']): DrivePermission {
  return {
    kind: 'drive#permission',
    id: context.directory.user(person.email)?.id ?? permissionId(person.email),
    type: 'user',
    role,
    emailAddress: person.email,
    displayName: person.name,
    deleted: false,
    pendingOwner: false,
  };
}

function permissionId(key: string): string {
  return `0${new Random('drive-permission', key).digits(19)}`;
}

function newPermission(context: EmulatorContext, body: Record<string, unknown>): DrivePermission {
  const type = TYPES.find((t) => t === body.type);
  if (!type)
    throw new GoogleApiError(400, 'required', body.type === undefined ? 'Required: type' : `Invalid permission type: ${String(body.type)}`);
  const role = ROLES.find((r) => r === body.role);
  if (!role)
    throw new GoogleApiError(400, 'required', body.role === undefined ? 'Required: role' : `Invalid permission role: ${String(body.role)}`);
  if (role === 'owner')
    throw new GoogleApiError(
      403,
      'consentRequiredForOwnershipTransfer',
      'Consent is required to transfer ownership of a file to another user.',
    );
  const base = { kind: 'drive#permission' as const, type, role, deleted: false, pendingOwner: false };
  if (type === 'user' || type === 'group') {
    const email = typeof body.emailAddress === 'string' ? body.emailAddress.trim().toLowerCase() : '';
    if (!email) throw new GoogleApiError(400, 'required', 'Required: emailAddress');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new GoogleApiError(400, 'invalid', `Invalid email address: ${email}`);
    const domain = email.split('@')[1] ?? '';
    if (type === 'group' && context.directory.isTenantDomain(domain)) {
      // Inside the tenant Google knows its groups: a group permission must name one.
      const group = context.directory.group(email);
      if (!group)
        throw new GoogleApiError(
          400,
          'invalidSharingRequest',
          `Bad Request. User message: "The email address ${email} is not a Google group."`,
        );
      return { ...base, id: group.id, emailAddress: group.email, displayName: group.name };
    }
    const user = type === 'user' ? context.directory.user(email) : undefined;
    return { ...base, id: user?.id ?? permissionId(email), emailAddress: email, ...(user ? { displayName: user.name.fullName } : {}) };
  }
  // Whether the file shows up in search for the domain / everyone, or only opens by link (the default).
  if (body.allowFileDiscovery !== undefined && typeof body.allowFileDiscovery !== 'boolean') {
    throw new GoogleApiError(400, 'invalid', `Invalid value for allowFileDiscovery: ${String(body.allowFileDiscovery)}`);
  }
  const allowFileDiscovery = body.allowFileDiscovery === true;
  if (type === 'domain') {
    const domain = typeof body.domain === 'string' ? body.domain.toLowerCase() : '';
    if (!domain) throw new GoogleApiError(400, 'required', 'Required: domain');
    return { ...base, id: permissionId(`domain:${domain}`), domain, displayName: domain, allowFileDiscovery };
  }
  return { ...base, id: allowFileDiscovery ? 'anyone' : 'anyoneWithLink', allowFileDiscovery };
}

const EDITORS: Record<string, string> = {
  'application/vnd.google-apps.document': 'document',
  'application/vnd.google-apps.spreadsheet': 'spreadsheets',
  'application/vnd.google-apps.presentation': 'presentation',
};

function fileResource(context: EmulatorContext, caller: Caller, file: StoredFile, permissions: readonly DrivePermission[]) {
  const me = caller.user.primaryEmail;
  const ownedByMe = file.owner.email === me;
  const editor = EDITORS[file.mimeType];
  const webViewLink =
    file.mimeType === FOLDER_MIME
      ? `https://drive.google.com/drive/folders/${file.id}`
      : editor
        ? `https://docs.google.com/${editor}/d/${file.id}/edit?usp=drivesdk`
        : `https://drive.google.com/file/d/${file.id}/view?usp=drivesdk`;
  return {
    kind: 'drive#file',
    id: file.id,
    name: file.name,
    mimeType: file.mimeType,
    starred: file.starred,
    trashed: file.trashed,
    explicitlyTrashed: file.trashed,
    parents: file.parents,
    spaces: ['drive'],
    version: '1',
    webViewLink,
    iconLink: `https://drive-thirdparty.googleusercontent.com/16/type/${file.mimeType}`,
    hasThumbnail: false,
    viewedByMe: true,
    viewedByMeTime: rfc3339(file.viewedByMeTime),
    createdTime: rfc3339(file.createdTime),
    modifiedTime: rfc3339(file.modifiedTime),
    ...(ownedByMe ? { modifiedByMeTime: rfc3339(file.modifiedTime) } : {}),
    owners: [
      {
        kind: 'drive#user',
        displayName: file.owner.name,
        me: ownedByMe,
        permissionId: personPermission(context, file.owner, 'owner').id,
        emailAddress: file.owner.email,
      },
    ],
    shared: permissions.length > 1,
    ownedByMe,
    capabilities: {
      canEdit: ownedByMe,
      canShare: ownedByMe || file.sharedWith.some((p) => p.email === me),
      canDelete: ownedByMe,
      canListChildren: file.mimeType === FOLDER_MIME,
    },
    permissionIds: permissions.map((p) => p.id),
    ...(file.size === undefined ? {} : { size: String(file.size), quotaBytesUsed: String(file.size) }),
  };
}

export const driveModule: EmulatorModule = { name: 'drive', routes: driveRoutes };
