/** groups.list/get, members.list/hasMember: nesting (cycles included), derived membership and role filters. */
import { GoogleApiError, json, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import { withFields } from '../fields.js';
import type { DirectoryGroupResource, DirectoryMemberResource, MemberRole } from '../seed/model.js';
import type { DirectoryStore } from './store.js';
import { listEtag, listResponse, maxResults } from './paging.js';
import { ACCEPTED_SCOPES } from './scopes.js';
import { NOT_AUTHORIZED, oneOf, requireCaller, requireCustomer, type DirectoryContext } from './context.js';

export function listGroups(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  const { directory: store } = context;
  const q = request.query;
  requireCaller(store, context.authorize(request, ACCEPTED_SCOPES.groups), true);
  const customer = q.get('customer');
  const domain = q.get('domain')?.toLowerCase();
  const userKey = q.get('userKey');
  if (userKey && customer) throw new GoogleApiError(400, 'badRequest', 'Bad Request');
  if (!customer && !domain && !userKey) throw new GoogleApiError(400, 'badRequest', 'Bad Request');
  if (customer) requireCustomer(store, customer);
  if (domain && !store.isTenantDomain(domain)) throw new GoogleApiError(403, 'forbidden', NOT_AUTHORIZED);
  const memberId = userKey ? resolveMemberKey(store, userKey) : undefined;
  const size = maxResults(q, 200, 200);
  const descending = oneOf(q, 'sortOrder', ['ASCENDING', 'DESCENDING'] as const, 'ASCENDING') === 'DESCENDING';
  const listKey = JSON.stringify(['groups', customer ? '*' : (domain ?? ''), memberId ?? '', descending]);
  const groups = store.cachedList(listKey, () => {
    const selected = store.groups.filter(
      (g) =>
        (!domain || g.email.endsWith(`@${domain}`)) &&
        (memberId === undefined || store.members(g.id).some((m) => m.id === memberId || m.email === memberId)),
    );
    return [...selected].sort((a, b) => (a.email < b.email ? -1 : 1) * (descending ? -1 : 1));
  });
  return listResponse(store, request, {
    kind: 'admin#directory#groups',
    member: 'groups',
    items: groups,
    pageSize: size,
    listKey,
    order: { position: (g) => g.email, descending },
  });
}

export function getGroup(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  requireCaller(context.directory, context.authorize(request, ACCEPTED_SCOPES.groups), true);
  return json(200, withFields(requireGroup(context.directory, request.params.groupKey!), request.query.get('fields')));
}

export function listMembers(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  const { directory: store } = context;
  const q = request.query;
  requireCaller(store, context.authorize(request, ACCEPTED_SCOPES.members), true);
  const group = requireGroup(store, request.params.groupKey!);
  const size = maxResults(q, 200, 200);
  const roles = (q.get('roles') ?? '')
    .split(',')
    .map((r) => r.trim().toUpperCase())
    .filter(Boolean);
  if (roles.some((r) => !['OWNER', 'MANAGER', 'MEMBER'].includes(r))) throw new GoogleApiError(400, 'invalid', 'Invalid Input: roles');
  const derived = q.get('includeDerivedMembership') === 'true';
  const listKey = JSON.stringify(['members', group.id, roles, derived]);
  const members = store.cachedList(listKey, () => {
    const all = derived ? derivedMembers(store, group) : store.members(group.id);
    // In id order, so that a page token can carry a position (Google documents no order of its own).
    return (roles.length > 0 ? all.filter((m) => roles.includes(m.role)) : [...all]).sort((a, b) => (a.id < b.id ? -1 : 1));
  });
  return listResponse(store, request, {
    kind: 'admin#directory#members',
    member: 'members',
    items: members,
    pageSize: size,
    listKey,
    order: { position: (m) => m.id, descending: false },
  });
}

/**
 * hasMember resolves nesting, but (as Google documents) only through groups of the group's own
 * domain; an unknown member key is 400 Invalid Input, as Google answers.
 */
export function hasMember(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  const { directory: store } = context;
  requireCaller(store, context.authorize(request, ACCEPTED_SCOPES.members), true);
  const group = requireGroup(store, request.params.groupKey!);
  const memberKey = request.params.memberKey!;
  const target = store.user(memberKey)?.id ?? store.group(memberKey)?.id;
  const email = memberKey.toLowerCase();
  const domain = group.email.split('@')[1];
  const seen = new Set<string>();
  const visit = (g: DirectoryGroupResource): boolean => {
    if (seen.has(g.id)) return false;
    seen.add(g.id);
    for (const m of store.members(g.id)) {
      if ((target !== undefined && m.id === target) || m.email === email) return true;
      const nested = m.type === 'GROUP' ? store.group(m.id) : undefined;
      if (nested && nested.email.endsWith(`@${domain}`) && visit(nested)) return true;
    }
    return false;
  };
  const isMember = visit(group);
  if (!isMember && target === undefined && !email.includes('@')) throw new GoogleApiError(400, 'invalid', 'Invalid Input: memberKey');
  return json(200, { isMember });
}

function requireGroup(store: DirectoryStore, key: string): DirectoryGroupResource {
  const group = store.group(key);
  if (!group) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: groupKey');
  return group;
}

/** A userKey for groups.list: a tenant user's id, or the email as given (external members have no user). */
function resolveMemberKey(store: DirectoryStore, key: string): string {
  const user = store.user(key);
  if (user) return user.id;
  if (!key.includes('@')) throw new GoogleApiError(404, 'notFound', 'Resource Not Found: userKey');
  return key.toLowerCase();
}

/** Direct members first, then everyone reached through nested groups, each once; cycles end the walk. */
function derivedMembers(store: DirectoryStore, group: DirectoryGroupResource): DirectoryMemberResource[] {
  const out: DirectoryMemberResource[] = [];
  const seenMembers = new Set<string>();
  const seenGroups = new Set<string>([group.id]);
  const queue: Array<{ group: DirectoryGroupResource; role?: MemberRole }> = [{ group }];
  while (queue.length > 0) {
    const { group: current, role } = queue.shift()!;
    for (const member of store.members(current.id)) {
      if (!seenMembers.has(member.id)) {
        seenMembers.add(member.id);
        out.push(role ? { ...member, role } : member);
      }
      const nested = member.type === 'GROUP' ? store.group(member.id) : undefined;
      if (nested && !seenGroups.has(nested.id)) {
        seenGroups.add(nested.id);
        queue.push({ group: nested, role: 'MEMBER' });
      }
    }
  }
  return out;
}

export function listDomains(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  requireCaller(context.directory, context.authorize(request, ACCEPTED_SCOPES.domains), true);
  requireCustomer(context.directory, request.params.customer!);
  const body = { kind: 'admin#directory#domains', etag: listEtag(context.directory, 'domains', null), domains: context.directory.domains };
  return json(200, withFields(body, request.query.get('fields')));
}

export function listSchemas(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  requireCaller(context.directory, context.authorize(request, ACCEPTED_SCOPES.schemas), true);
  requireCustomer(context.directory, request.params.customerId!);
  const body = {
    kind: 'admin#directory#schemas',
    etag: listEtag(context.directory, 'schemas', null),
    schemas: context.directory.data.schemas,
  };
  return json(200, withFields(body, request.query.get('fields')));
}
