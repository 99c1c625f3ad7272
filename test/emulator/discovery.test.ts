/**
 * Every emulated Directory, Gmail, Drive and Calendar method against Google's Discovery documents:
 * the route's HTTP method and path are the documented ones, and its answer has every field of the
 * documented type (int64 strings, RFC 3339 times, …), no undocumented member and no missing
 * required one. A new emulated method fails here until it has a call below and its Discovery entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_READONLY_SCOPES } from '../../local/emulator/directory/scopes.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { EMULATOR_MODULES } from '../../local/emulator/modules.js';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import {
  conformance,
  DISCOVERY_FILES,
  loadDiscovery,
  routePattern,
  type DiscoveryDocument,
  type DiscoveryMethod,
} from '../support/discovery.js';
import { startTestEmulator } from '../support/emulator.js';

const AUTH = 'https://www.googleapis.com/auth/';
const DOCUMENTED_APIS = ['directory', 'gmail', 'drive', 'calendar'];

interface Call {
  readonly path: string;
  readonly method?: 'POST';
  readonly body?: unknown;
  readonly scopes: readonly string[];
  readonly as: 'admin' | 'user';
}

let emulator: Emulator;
let user: DirectoryUserResource;
const discovery = new Map<string, { document: DiscoveryDocument; method: DiscoveryMethod }>();

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 30, groups: 4 });
  user = emulator.directory.users.find((u) => !u.isAdmin && !u.suspended && !u.deletionTime)!;
  for (const file of DISCOVERY_FILES) {
    const document = loadDiscovery(file);
    for (const method of Object.values(document.methods)) discovery.set(method.id, { document, method });
  }
});
afterAll(() => emulator.stop());

function calls(): Record<string, Call> {
  const group = emulator.directory.groups.find((g) => emulator.directory.members(g.id).length > 0)!;
  const member = emulator.directory.members(group.id)[0]!;
  const data = emulator.personal.for(user);
  const message = data.messages[0]!;
  const file = data.files.find((f) => f.owner.email === user.primaryEmail)!;
  const directory = { scopes: DIRECTORY_READONLY_SCOPES, as: 'admin' } as const;
  const gmail = { scopes: [`${AUTH}gmail.readonly`], as: 'user' } as const;
  const drive = { scopes: [`${AUTH}drive`], as: 'user' } as const;
  const calendar = { scopes: [`${AUTH}calendar`], as: 'user' } as const;
  const start = Date.now() + 86_400_000;
  return {
    'directory.users.list': {
      path: '/admin/directory/v1/users?customer=my_customer&projection=full&viewType=admin_view&maxResults=20',
      ...directory,
    },
    'directory.users.get': { path: `/admin/directory/v1/users/${emulator.directory.admin.id}?projection=full`, ...directory },
    'directory.groups.list': { path: '/admin/directory/v1/groups?customer=my_customer&maxResults=5', ...directory },
    'directory.groups.get': { path: `/admin/directory/v1/groups/${group.email}`, ...directory },
    'directory.members.list': { path: `/admin/directory/v1/groups/${group.email}/members`, ...directory },
    'directory.members.hasMember': {
      path: `/admin/directory/v1/groups/${group.email}/hasMember/${member.email ?? member.id}`,
      ...directory,
    },
    'directory.domains.list': { path: '/admin/directory/v1/customer/my_customer/domains', ...directory },
    'directory.schemas.list': { path: '/admin/directory/v1/customer/my_customer/schemas', ...directory },
    'gmail.users.labels.list': { path: '/gmail/v1/users/me/labels', ...gmail },
    'gmail.users.labels.get': { path: '/gmail/v1/users/me/labels/INBOX', ...gmail },
    'gmail.users.messages.list': { path: '/gmail/v1/users/me/messages?maxResults=5', ...gmail },
    'gmail.users.messages.get': { path: `/gmail/v1/users/me/messages/${message.id}`, ...gmail },
    'drive.files.list': { path: '/drive/v3/files?fields=*&pageSize=5', ...drive },
    'drive.files.get': { path: `/drive/v3/files/${file.id}?fields=*`, ...drive },
    'drive.permissions.list': { path: `/drive/v3/files/${file.id}/permissions?fields=*`, ...drive },
    'drive.permissions.create': {
      path: `/drive/v3/files/${file.id}/permissions?fields=*`,
      method: 'POST',
      body: { type: 'domain', role: 'reader', domain: 'example.com', allowFileDiscovery: true },
      ...drive,
    },
    'calendar.events.list': { path: '/calendar/v3/calendars/primary/events?singleEvents=true&orderBy=startTime', ...calendar },
    'calendar.freebusy.query': {
      path: '/calendar/v3/freeBusy',
      method: 'POST',
      ...calendar,
      body: {
        timeMin: new Date(start - 86_400_000).toISOString(),
        timeMax: new Date(start).toISOString(),
        items: [{ id: user.primaryEmail }],
      },
    },
    'calendar.events.insert': {
      path: '/calendar/v3/calendars/primary/events',
      method: 'POST',
      ...calendar,
      body: {
        summary: 'Discovery check',
        start: { dateTime: new Date(start).toISOString() },
        end: { dateTime: new Date(start + 3_600_000).toISOString() },
      },
    },
  };
}

async function answer(call: Call): Promise<{ status: number; body: unknown }> {
  const who = call.as === 'admin' ? emulator.directory.admin : user;
  const { token } = emulator.context.tokens.issueAccess({
    clientId: 'discovery-test',
    scopes: [...call.scopes],
    email: who.primaryEmail,
    userId: who.id,
  });
  const response = await fetch(`${emulator.origin}${call.path}`, {
    method: call.method ?? 'GET',
    headers: { authorization: `Bearer ${token}`, ...(call.body ? { 'content-type': 'application/json' } : {}) },
    ...(call.body ? { body: JSON.stringify(call.body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

describe("emulated methods against Google's Discovery documents", () => {
  const emulated = () => EMULATOR_MODULES.filter((m) => DOCUMENTED_APIS.includes(m.name)).flatMap((m) => m.routes(emulator.context));

  it('routes each documented method at its documented HTTP method and path, and has a call for each', () => {
    const table = calls();
    for (const route of emulated()) {
      const entry = discovery.get(route.name);
      expect(entry, `${route.name} is in the Discovery fixtures`).toBeDefined();
      expect(`${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`).toBe(
        `${entry!.method.httpMethod} ${routePattern(entry!.document, entry!.method)}`,
      );
      expect(table[route.name], `${route.name} has a call in this test`).toBeDefined();
    }
  });

  it('answers every method with the documented types, members and required fields', async () => {
    const problems: string[] = [];
    for (const [id, call] of Object.entries(calls())) {
      const { document, method } = discovery.get(id)!;
      const { status, body } = await answer(call);
      if (status !== 200) problems.push(`${id}: HTTP ${status} ${JSON.stringify(body)}`);
      else if (method.response) problems.push(...conformance(document, method.response, body, id));
    }
    expect(problems).toEqual([]);
  });

  it('accepts allowFileDiscovery on permissions.create and answers with it', async () => {
    const { body } = await answer(calls()['drive.permissions.create']!);
    expect(body).toMatchObject({ type: 'domain', allowFileDiscovery: true });
  });

  it("answers a method the API does not have with 405 in Google's error shape", async () => {
    const response = await fetch(`${emulator.origin}/admin/directory/v1/users`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    const body = (await response.json()) as { error: { code: number; message: string; errors: Array<{ reason: string; domain: string }> } };
    expect(body.error).toMatchObject({ code: 405, errors: [{ reason: 'httpMethodNotAllowed', domain: 'global' }] });
    expect(body.error.message).toMatch(/DELETE/);
  });

  it('answers a request without credentials with 401 and a WWW-Authenticate challenge', async () => {
    const response = await fetch(`${emulator.origin}/gmail/v1/users/me/labels`);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="https://accounts.google.com/"');
    expect(await response.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'required' }] } });
  });
});
