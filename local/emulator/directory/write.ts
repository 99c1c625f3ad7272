/**
 * The Directory API's write methods an admin's tools call (users insert/update/patch/delete/
 * makeAdmin/undelete; groups insert/update/patch/delete; members insert/delete), with the
 * read-write scopes only. Each change is announced as Google announces it: a users.watch
 * notification for users, an `admin` audit activity (Reports) for groups and memberships.
 */
import { randomBytes } from 'node:crypto';
import { GoogleApiError, json, type EmulatorRequest, type EmulatorResponse, type EmulatorRoute } from '../http.js';
import { withFields } from '../fields.js';
import type { DirectoryGroupResource, DirectoryUserResource, MemberRole } from '../seed/model.js';
import type { PushHub } from '../push/hub.js';
import { jsonBody } from '../push/routes.js';
import { requireCaller, type DirectoryContext } from './context.js';
import { DIRECTORY_SCOPES } from './scopes.js';
import type { UserPatch } from './store.js';
import type { EmulatorModule } from '../module.js';

const BASE = '/admin/directory/v1';
const USER_WRITE = [DIRECTORY_SCOPES.user];
const GROUP_WRITE = [DIRECTORY_SCOPES.group];
const MEMBER_WRITE = [DIRECTORY_SCOPES.groupMember, DIRECTORY_SCOPES.group];
/** What users.update/patch may change here; anything else in the body is ignored, as read-only fields are by Google. */
const WRITABLE_USER_FIELDS = [
  'primaryEmail',
  'name',
  'suspended',
  'archived',
  'orgUnitPath',
  'organizations',
  'locations',
  'phones',
  'relations',
  'externalIds',
  'keywords',
  'customSchemas',
  'includeInGlobalAddressList',
  'changePasswordAtNextLogin',
] as const;

export interface DirectoryWriteContext extends DirectoryContext {
  readonly push: PushHub;
  readonly now: () => number;
}

/** Directory writes (an admin's console or tool); each announces itself on the push channels. Not in the trimmed Discovery fixtures. */
export const directoryWriteModule: EmulatorModule = { name: 'directory-write', routes: (context) => directoryWriteRoutes(context) };

export function directoryWriteRoutes(context: DirectoryWriteContext): EmulatorRoute[] {
  const bind = (handler: (c: DirectoryWriteContext, r: EmulatorRequest) => EmulatorResponse) => (r: EmulatorRequest) => handler(context, r);
  return [
    { method: 'POST', path: `${BASE}/users`, name: 'directory.users.insert', handler: bind(insertUser) },
    { method: 'PUT', path: `${BASE}/users/{userKey}`, name: 'directory.users.update', handler: bind(updateUser) },
    { method: 'PATCH', path: `${BASE}/users/{userKey}`, name: 'directory.users.patch', handler: bind(updateUser) },
    { method: 'DELETE', path: `${BASE}/users/{userKey}`, name: 'directory.users.delete', handler: bind(deleteUser) },
    { method: 'POST', path: `${BASE}/users/{userKey}/makeAdmin`, name: 'directory.users.makeAdmin', handler: bind(makeAdmin) },
    { method: 'POST', path: `${BASE}/users/{userKey}/undelete`, name: 'directory.users.undelete', handler: bind(undeleteUser) },
    { method: 'POST', path: `${BASE}/groups`, name: 'directory.groups.insert', handler: bind(insertGroup) },
    { method: 'PUT', path: `${BASE}/groups/{groupKey}`, name: 'directory.groups.update', handler: bind(updateGroup) },
    { method: 'PATCH', path: `${BASE}/groups/{groupKey}`, name: 'directory.groups.patch', handler: bind(updateGroup) },
    { method: 'DELETE', path: `${BASE}/groups/{groupKey}`, name: 'directory.groups.delete', handler: bind(deleteGroup) },
    { method: 'POST', path: `${BASE}/groups/{groupKey}/members`, name: 'directory.members.insert', handler: bind(insertMember) },
    {
      method: 'DELETE',
      path: `${BASE}/groups/{groupKey}/members/{memberKey}`,
      name: 'directory.members.delete',
      handler: bind(deleteMember),
    },
  ];
}

/** The admin the token acts as: every write needs one. */
function callerEmail(context: DirectoryWriteContext, request: EmulatorRequest, scopes: readonly string[]): string {
  const grant = context.authorize(request, scopes);
  requireCaller(context.directory, grant, true);
  return grant.email!;
}

function insertUser(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  callerEmail(context, request, USER_WRITE);
  const body = jsonBody(request);
  const email = typeof body.primaryEmail === 'string' ? body.primaryEmail.toLowerCase() : '';
  const name = body.name as { givenName?: unknown; familyName?: unknown } | undefined;
  if (!email.includes('@')) throw new GoogleApiError(400, 'invalid', 'Invalid Input: primary_user_email');
  if (typeof name?.givenName !== 'string' || typeof name.familyName !== 'string' || !name.givenName || !name.familyName)
    throw new GoogleApiError(400, 'required', 'Invalid Given/Family Name: FamilyName');
  if (!context.directory.isTenantDomain(email.split('@')[1]!))
    throw new GoogleApiError(403, 'forbidden', 'Not Authorized to access this resource/api');
  if (context.directory.user(email) || context.directory.group(email)) throw new GoogleApiError(409, 'duplicate', 'Entity already exists.');
  const user = context.directory.addUser({
    ...writableFields(body),
    primaryEmail: email,
    name: { givenName: name.givenName, familyName: name.familyName, fullName: `${name.givenName} ${name.familyName}` },
    suspended: body.suspended === true,
    lastLoginTime: '1970-01-01T00:00:00.000Z',
  });
  context.push.userChanged('add', user);
  return json(200, user);
}

function updateUser(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  callerEmail(context, request, USER_WRITE);
  const user = requireLiveUser(context, request.params.userKey!);
  const body = jsonBody(request);
  const patch = writableFields(body);
  if (patch.primaryEmail !== undefined) {
    const email = String(patch.primaryEmail).toLowerCase();
    const holder = context.directory.user(email);
    if (!email.includes('@') || !context.directory.isTenantDomain(email.split('@')[1]!))
      throw new GoogleApiError(400, 'invalid', 'Invalid Input: primary_user_email');
    if ((holder && holder.id !== user.id) || context.directory.group(email))
      throw new GoogleApiError(409, 'duplicate', 'Entity already exists.');
    patch.primaryEmail = email;
  }
  if (patch.name) {
    const name = { ...user.name, ...(patch.name as Partial<DirectoryUserResource['name']>) };
    patch.name = { ...name, fullName: `${name.givenName} ${name.familyName}` };
  }
  if (patch.suspended !== undefined)
    Object.assign(patch, patch.suspended ? { suspensionReason: 'ADMIN' } : { suspensionReason: undefined });
  const updated = context.directory.updateUser(user.id, patch);
  context.push.userChanged('update', updated);
  return json(200, withFields(updated, request.query.get('fields')));
}

function deleteUser(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, USER_WRITE);
  const user = requireLiveUser(context, request.params.userKey!);
  const groups = context.directory.groups.filter((g) => context.directory.members(g.id).some((m) => m.id === user.id));
  const deleted = context.directory.deleteUser(user.id);
  context.push.userChanged('delete', deleted);
  // Google drops a deleted user's memberships; the audit log says so per group.
  for (const group of groups) announceGroup(context, actor, 'REMOVE_GROUP_MEMBER', group, { USER_EMAIL: deleted.primaryEmail });
  return { status: 204 };
}

function makeAdmin(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  callerEmail(context, request, USER_WRITE);
  const user = requireLiveUser(context, request.params.userKey!);
  const { status } = jsonBody(request);
  if (typeof status !== 'boolean') throw new GoogleApiError(400, 'required', 'Required parameter: status');
  const updated = context.directory.updateUser(user.id, { isAdmin: status });
  context.push.userChanged('makeAdmin', updated);
  return { status: 204 };
}

function undeleteUser(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  callerEmail(context, request, USER_WRITE);
  const user = context.directory.user(request.params.userKey!);
  if (!user?.deletionTime) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: userKey');
  const restored = context.directory.updateUser(user.id, { deletionTime: undefined });
  delete (restored as { deletionTime?: string }).deletionTime;
  context.push.userChanged('undelete', restored);
  return { status: 204 };
}

function insertGroup(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, GROUP_WRITE);
  const body = jsonBody(request);
  const email = typeof body.email === 'string' ? body.email.toLowerCase() : '';
  if (!email.includes('@')) throw new GoogleApiError(400, 'required', 'Missing required field: email');
  if (!context.directory.isTenantDomain(email.split('@')[1]!))
    throw new GoogleApiError(403, 'forbidden', 'Not Authorized to access this resource/api');
  if (context.directory.group(email) || context.directory.user(email)) throw new GoogleApiError(409, 'duplicate', 'Entity already exists.');
  const group = context.directory.addGroup({
    email,
    name: typeof body.name === 'string' ? body.name : email.split('@')[0]!,
    description: typeof body.description === 'string' ? body.description : '',
  });
  announceGroup(context, actor, 'CREATE_GROUP', group);
  return json(200, group);
}

/** Name, description and address (the audit log names the old address, and the new one as NEW_VALUE). */
function updateGroup(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, GROUP_WRITE);
  let group = requireGroup(context, request.params.groupKey!);
  const body = jsonBody(request);
  if (typeof body.email === 'string' && body.email.toLowerCase() !== group.email) {
    const email = body.email.toLowerCase();
    if (!email.includes('@') || !context.directory.isTenantDomain(email.split('@')[1]!))
      throw new GoogleApiError(403, 'forbidden', 'Not Authorized to access this resource/api');
    if (context.directory.group(email) || context.directory.user(email))
      throw new GoogleApiError(409, 'duplicate', 'Entity already exists.');
    const old = group.email;
    group = context.directory.renameGroup(group.id, email);
    announceGroup(context, actor, 'CHANGE_GROUP_EMAIL', { ...group, email: old }, { NEW_VALUE: email });
  }
  const changes: Partial<Pick<DirectoryGroupResource, 'name' | 'description'>> = {};
  if (typeof body.name === 'string') changes.name = body.name;
  if (typeof body.description === 'string') changes.description = body.description;
  if (Object.keys(changes).length > 0) {
    Object.assign(group, changes, { etag: `"${randomBytes(20).toString('base64url')}"` });
    announceGroup(context, actor, changes.name !== undefined ? 'CHANGE_GROUP_NAME' : 'CHANGE_GROUP_DESCRIPTION', group);
  }
  return json(200, group);
}

function deleteGroup(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, GROUP_WRITE);
  const group = requireGroup(context, request.params.groupKey!);
  context.directory.deleteGroup(group.id);
  announceGroup(context, actor, 'DELETE_GROUP', group);
  return { status: 204 };
}

function insertMember(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, MEMBER_WRITE);
  const group = requireGroup(context, request.params.groupKey!);
  const body = jsonBody(request);
  const key = typeof body.email === 'string' ? body.email : typeof body.id === 'string' ? body.id : '';
  if (!key) throw new GoogleApiError(400, 'required', 'Missing required field: memberKey');
  const role: MemberRole = body.role === 'OWNER' || body.role === 'MANAGER' ? body.role : 'MEMBER';
  const known = context.directory.user(key) ?? context.directory.group(key);
  if (!known && !key.includes('@')) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: memberKey');
  const id = known?.id;
  if (context.directory.members(group.id).some((m) => (id !== undefined && m.id === id) || m.email === key.toLowerCase()))
    throw new GoogleApiError(409, 'duplicate', 'Member already exists.');
  const member = context.directory.addMember(group.id, key, role);
  announceGroup(context, actor, 'ADD_GROUP_MEMBER', group, { USER_EMAIL: member.email ?? member.id });
  return json(200, member);
}

function deleteMember(context: DirectoryWriteContext, request: EmulatorRequest): EmulatorResponse {
  const actor = callerEmail(context, request, MEMBER_WRITE);
  const group = requireGroup(context, request.params.groupKey!);
  const key = request.params.memberKey!;
  const id = context.directory.user(key)?.id ?? context.directory.group(key)?.id ?? key;
  const member = context.directory.members(group.id).find((m) => m.id === id || m.email === key.toLowerCase());
  if (!member) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: memberKey');
  context.directory.removeMember(group.id, member.id);
  announceGroup(context, actor, 'REMOVE_GROUP_MEMBER', group, { USER_EMAIL: member.email ?? member.id });
  return { status: 204 };
}

/** An `admin` application activity of type GROUP_SETTINGS, as the admin audit log records group changes. */
function announceGroup(
  context: DirectoryWriteContext,
  actor: string,
  name: string,
  group: DirectoryGroupResource,
  extra: Record<string, string> = {},
): void {
  const actorUser = context.directory.user(actor);
  const parameters = Object.entries({ GROUP_EMAIL: group.email, ...extra }).map(([n, value]) => ({ name: n, value }));
  context.push.activity('admin', {
    kind: 'admin#reports#activity',
    id: {
      time: new Date(context.now()).toISOString(),
      uniqueQualifier: `-${BigInt(`0x${randomBytes(7).toString('hex')}`).toString()}`,
      applicationName: 'admin',
      customerId: context.directory.customerId,
    },
    etag: `"${randomBytes(20).toString('base64url')}"`,
    actor: { callerType: 'USER', email: actor, ...(actorUser ? { profileId: actorUser.id } : {}) },
    events: [{ type: 'GROUP_SETTINGS', name, parameters }],
  });
}

function writableFields(body: Record<string, unknown>): UserPatch & Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const field of WRITABLE_USER_FIELDS) if (body[field] !== undefined) patch[field] = body[field];
  return patch as UserPatch & Record<string, unknown>;
}

function requireLiveUser(context: DirectoryWriteContext, key: string): DirectoryUserResource {
  const user = context.directory.user(key);
  if (!user || user.deletionTime) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: userKey');
  return user;
}

function requireGroup(context: DirectoryWriteContext, key: string): DirectoryGroupResource {
  const group = context.directory.group(key);
  if (!group) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: groupKey');
  return group;
}
