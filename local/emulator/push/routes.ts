/**
 * The watch methods and channels.stop of the Admin SDK (paths as Google's own client builds them:
 * @googleapis/admin directory_v1 and reports_v1), and the emulator-only `/__emulator/push` controls.
 */
import { ADMIN_PATH_PREFIX, GoogleApiError, json, type EmulatorRequest, type EmulatorResponse, type EmulatorRoute } from '../http.js';
import type { Grant } from '../oauth/tokens.js';
import { ACCEPTED_SCOPES } from '../directory/scopes.js';
import { requireCaller, resolveScope, type DirectoryContext } from '../directory/context.js';
import { PushSettingsError, type PushHub, type PushSettings } from './hub.js';
import type { EmulatorModule } from '../module.js';

export const REPORTS_AUDIT_SCOPE = 'https://www.googleapis.com/auth/admin.reports.audit.readonly';
const USER_EVENTS = ['add', 'delete', 'update', 'makeAdmin', 'undelete'] as const;
/** The applications whose activities carry group and membership changes. */
export const WATCHED_APPLICATIONS = ['admin', 'groups_enterprise'] as const;

export interface PushRouteContext extends DirectoryContext {
  readonly origin: string;
  readonly push: PushHub;
  authorize(request: EmulatorRequest, acceptedScopes: readonly string[]): Grant;
}

/** Push channels: Directory users.watch, Reports activities.watch, both channels.stop, and the /__emulator/push controls. */
export const pushModule: EmulatorModule = { name: 'push', routes: (context) => pushRoutes(context) };

export function pushRoutes(context: PushRouteContext): EmulatorRoute[] {
  const { push } = context;
  return [
    { method: 'POST', path: '/admin/directory/v1/users/watch', name: 'directory.users.watch', handler: (r) => watchUsers(context, r) },
    {
      method: 'POST',
      path: '/admin/reports/v1/activity/users/{userKey}/applications/{applicationName}/watch',
      name: 'reports.activities.watch',
      handler: (r) => watchActivities(context, r),
    },
    {
      method: 'POST',
      path: '/admin/directory_v1/channels/stop',
      name: 'directory.channels.stop',
      handler: (r) => stopChannel(context, r, ACCEPTED_SCOPES.users),
    },
    {
      method: 'POST',
      path: '/admin/reports_v1/channels/stop',
      name: 'reports.channels.stop',
      handler: (r) => stopChannel(context, r, [REPORTS_AUDIT_SCOPE]),
    },
    admin('GET', 'push', () => json(200, { settings: push.settings, counters: push.counters, channels: push.list() })),
    admin('PUT', 'push', (r) => {
      try {
        return json(200, push.setSettings(jsonBody(r) as Partial<PushSettings>));
      } catch (error) {
        if (error instanceof PushSettingsError) throw new GoogleApiError(400, 'invalid', error.message);
        throw error;
      }
    }),
    admin('POST', 'push/channels/{id}/expire', (r) =>
      push.expireNow(r.params.id!) ? json(200, {}) : json(404, { error: 'no live channel with this id' }),
    ),
  ];
}

function admin(method: EmulatorRoute['method'], path: string, handler: EmulatorRoute['handler']): EmulatorRoute {
  return {
    method,
    path: `${ADMIN_PATH_PREFIX}${path}`,
    name: `emulator.${path.replace(/\W+/g, '.')}.${method.toLowerCase()}`,
    kind: 'admin',
    handler,
  };
}

function watchUsers(context: PushRouteContext, request: EmulatorRequest): EmulatorResponse {
  const q = request.query;
  requireCaller(context.directory, context.authorize(request, ACCEPTED_SCOPES.users), true);
  const domain = resolveScope(context.directory, q.get('customer'), q.get('domain'));
  const event = q.get('event') ?? undefined;
  if (event !== undefined && !(USER_EVENTS as readonly string[]).includes(event))
    throw new GoogleApiError(400, 'invalidParameter', 'Invalid value for: event is not a valid value');
  const scope: Record<string, string> = domain ? { domain } : { customer: q.get('customer')! };
  const resourceUri = `${context.origin}/admin/directory/v1/users?${new URLSearchParams({ alt: 'json', ...scope, ...(event ? { event } : {}) })}`;
  return json(200, context.push.watch({ resource: 'directory.users', body: jsonBody(request), resourceUri, event, domain }));
}

function watchActivities(context: PushRouteContext, request: EmulatorRequest): EmulatorResponse {
  const grant = context.authorize(request, [REPORTS_AUDIT_SCOPE]);
  requireCaller(context.directory, grant, true);
  const application = request.params.applicationName!;
  if (!(WATCHED_APPLICATIONS as readonly string[]).includes(application)) {
    throw new GoogleApiError(
      400,
      'invalid',
      `The emulator watches only ${WATCHED_APPLICATIONS.join(' and ')} activities, not ${application}.`,
    );
  }
  if (request.params.userKey !== 'all') throw new GoogleApiError(400, 'invalid', 'The emulator watches userKey "all" only.');
  const resourceUri = `${context.origin}/admin/reports/v1/activity/users/all/applications/${application}?alt=json`;
  return json(
    200,
    context.push.watch({
      resource: `reports.${application as (typeof WATCHED_APPLICATIONS)[number]}`,
      body: jsonBody(request),
      resourceUri,
    }),
  );
}

function stopChannel(context: PushRouteContext, request: EmulatorRequest, scopes: readonly string[]): EmulatorResponse {
  context.authorize(request, scopes);
  context.push.stop(jsonBody(request));
  return { status: 204 };
}

export function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  try {
    const value = JSON.parse(request.body === '' ? '{}' : request.body) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GoogleApiError(400, 'parseError', 'Parse Error');
}
