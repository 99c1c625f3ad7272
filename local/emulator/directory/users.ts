/** users.list and users.get: projections, view types, ordering, queries and field masks as Google serves them. */
import { GoogleApiError, json, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import { withFields } from '../fields.js';
import { SHARED_CONTACT_FIELDS, type DirectoryData, type DirectoryUserResource } from '../seed/model.js';
import { listResponse, maxResults } from './paging.js';
import { parseUserQuery } from './user-query.js';
import { ACCEPTED_SCOPES } from './scopes.js';
import { oneOf, requireCaller, resolveScope, type DirectoryContext } from './context.js';

/**
 * What `viewType=domain_public` shows: the fields any user of the domain may see of a colleague,
 * the contact fields among them only where the user's domain's sharing settings share them.
 */
const DOMAIN_PUBLIC_FIELDS = [
  'kind',
  'id',
  'etag',
  'primaryEmail',
  'name',
  'emails',
  'aliases',
  'thumbnailPhotoUrl',
  'thumbnailPhotoEtag',
  'customSchemas',
  ...SHARED_CONTACT_FIELDS,
] as const;

function sharedContactFields(data: DirectoryData, user: DirectoryUserResource): ReadonlySet<string> {
  const domain = user.primaryEmail.slice(user.primaryEmail.indexOf('@') + 1);
  return new Set(data.sharedContactFields[domain] ?? SHARED_CONTACT_FIELDS);
}

interface UserView {
  readonly projection: 'basic' | 'custom' | 'full';
  readonly customFieldMask: readonly string[];
  readonly viewType: 'admin_view' | 'domain_public';
}

export function listUsers(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  const { directory: store } = context;
  const q = request.query;
  const view = userView(context, request);
  // Google lists the public view by domain: a non-admin has no customer-wide listing.
  if (view.viewType === 'domain_public' && !q.get('domain')) throw new GoogleApiError(400, 'badRequest', 'Bad Request');
  const domain = resolveScope(store, q.get('customer'), q.get('domain'));
  const size = maxResults(q, 500, 100);
  const orderBy = oneOf(q, 'orderBy', ['email', 'givenName', 'familyName'] as const, 'email');
  const descending = oneOf(q, 'sortOrder', ['ASCENDING', 'DESCENDING'] as const, 'ASCENDING') === 'DESCENDING';
  const showDeleted = q.get('showDeleted') === 'true';
  const text = q.get('query') ?? '';
  const listKey = JSON.stringify(['users', domain ?? '*', showDeleted, view.viewType, orderBy, descending, text]);
  const name =
    orderBy === 'givenName'
      ? (u: DirectoryUserResource) => u.name.givenName.toLowerCase()
      : (u: DirectoryUserResource) => u.name.familyName.toLowerCase();
  // The sort key, then the email that breaks ties ("\u0000" sorts below any character, so a key that is a prefix of another comes first).
  const position =
    orderBy === 'email' ? (u: DirectoryUserResource) => u.primaryEmail : (u: DirectoryUserResource) => `${name(u)}\u0000${u.primaryEmail}`;
  const users = store.cachedList(listKey, () => {
    const matches = text ? parseUserQuery(text, (email) => store.user(email)) : () => true;
    const selected = store
      .usersInEmailOrder()
      .filter(
        (u) =>
          (showDeleted ? u.deletionTime !== undefined : u.deletionTime === undefined) &&
          (domain === undefined || u.primaryEmail.endsWith(`@${domain}`)) &&
          (view.viewType === 'admin_view' || (u.includeInGlobalAddressList && !u.suspended)) &&
          matches(u),
      );
    if (orderBy !== 'email') {
      const keyed = selected.map((u) => ({ u, k: position(u) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
      keyed.forEach(({ u }, i) => {
        selected[i] = u;
      });
    }
    return descending ? selected.reverse() : selected;
  });
  return listResponse(store, request, {
    kind: 'admin#directory#users',
    member: 'users',
    items: users,
    pageSize: size,
    listKey,
    order: { position, descending },
    present: (u) => presentUser(u, view, store.data),
  });
}

export function getUser(context: DirectoryContext, request: EmulatorRequest): EmulatorResponse {
  const view = userView(context, request);
  const user = context.directory.user(request.params.userKey!);
  if (!user || user.deletionTime || (view.viewType === 'domain_public' && !user.includeInGlobalAddressList)) {
    throw new GoogleApiError(404, 'notFound', 'Resource Not Found: userKey');
  }
  return json(200, withFields(presentUser(user, view, context.directory.data), request.query.get('fields')));
}

function userView(context: DirectoryContext, request: EmulatorRequest): UserView {
  const q = request.query;
  const grant = context.authorize(request, ACCEPTED_SCOPES.users);
  const viewType = oneOf(q, 'viewType', ['admin_view', 'domain_public'] as const, 'admin_view');
  requireCaller(context.directory, grant, viewType === 'admin_view');
  const projection = oneOf(q, 'projection', ['basic', 'custom', 'full'] as const, 'basic');
  const customFieldMask = (q.get('customFieldMask') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (projection === 'custom' && customFieldMask.length === 0) throw new GoogleApiError(400, 'invalid', 'Invalid Input: custom_field_mask');
  return { projection, customFieldMask, viewType };
}

/** The user as this projection and view show it; the stored object itself when nothing is removed. */
function presentUser(user: DirectoryUserResource, view: UserView, data: DirectoryData): object {
  if (view.viewType === 'admin_view' && view.projection === 'full') return user;
  const { customSchemas, ...rest } = user;
  let visibleSchemas: Record<string, Record<string, unknown>> | undefined;
  if (view.projection !== 'basic' && customSchemas) {
    visibleSchemas = {};
    for (const [schemaName, values] of Object.entries(customSchemas)) {
      if (view.projection === 'custom' && !view.customFieldMask.includes(schemaName)) continue;
      visibleSchemas[schemaName] = view.viewType === 'admin_view' ? values : publicFields(schemaName, values, data);
    }
  }
  const full = visibleSchemas && Object.keys(visibleSchemas).length > 0 ? { ...rest, customSchemas: visibleSchemas } : rest;
  if (view.viewType === 'admin_view') return full;
  const shared = sharedContactFields(data, user);
  const out: Record<string, unknown> = {};
  for (const field of DOMAIN_PUBLIC_FIELDS) {
    const hidden = (SHARED_CONTACT_FIELDS as readonly string[]).includes(field) && !shared.has(field);
    if (!hidden && (full as Record<string, unknown>)[field] !== undefined) out[field] = (full as Record<string, unknown>)[field];
  }
  return out;
}

function publicFields(schemaName: string, values: Record<string, unknown>, data: DirectoryData): Record<string, unknown> {
  const schema = data.schemas.find((s) => s.schemaName === schemaName);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (schema?.fields.find((f) => f.fieldName === name)?.readAccessType === 'ALL_DOMAIN_USERS') out[name] = value;
  }
  return out;
}
