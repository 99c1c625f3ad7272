import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin_directory_v1 } from '@googleapis/admin';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { REPORTS_AUDIT_SCOPE } from '../../local/emulator/push/routes.js';
import type { LocalDependencies } from '../../local/local-dependencies.js';
import { listChannels } from '../../shared/adapters/dynamodb/push-channels.js';
import { manageChannels, stopAllChannels } from '../../shared/services/push/manager.js';
import { createManagerDeps, createWatchClient } from '../../shared/services/push/setup.js';
import { listRunRecords } from '../../shared/adapters/dynamodb/sync-state-store.js';
import type { PushStatus } from '../../shared/contract/api.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import { directoryClient } from '../support/emulator.js';
import { eventually } from '../support/push.js';
import { browserFetch } from '../support/sign-in.js';

let app: DirectoryApp;
let deps: LocalDependencies;
let admin: admin_directory_v1.Admin;
let adminJar: Map<string, string>;

const WRITE_SCOPES = [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group];

beforeAll(async () => {
  app = await startDirectoryApp({ users: 120, groups: 12, push: { auditLagMs: 100 } });
  const { emulator } = app.harness;
  emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, ...WRITE_SCOPES, REPORTS_AUDIT_SCOPE]);
  deps = app.app.deps as LocalDependencies;
  const report = await manageChannels(await createManagerDeps(deps));
  expect(report.failures).toEqual([]);
  admin = await directoryClient(emulator, { scopes: WRITE_SCOPES });
  adminJar = await app.sessionFor(emulator.directory.admin.primaryEmail);
}, 120_000);
afterAll(async () => {
  await app.harness.emulator.push.idle();
  await deps.pushQueue.idle();
  await app.close();
});
beforeEach(() => {
  app.harness.emulator.push.setSettings({ dropRate: 0, duplicateRate: 0, jitterMs: 0 });
  app.harness.emulator.setLimits({ errorRate: 0 });
});

const liveUser = (n: number) => app.harness.emulator.directory.users.filter((u) => !u.deletionTime && !u.isAdmin && !u.suspended)[n]!;

describe('push-driven sync through the local host', () => {
  it('opens one channel per feed, each confirmed by its sync message', async () => {
    await app.harness.emulator.push.idle();
    const channels = await listChannels(deps.db, deps.config.tableName);
    expect(channels.map((c) => c.feed).sort()).toEqual(['admin', 'groups_enterprise', 'users']);
    expect(channels.every((c) => c.lastMessageNumber === 1 && c.resourceId !== '')).toBe(true);
    // Only the token's hash is stored.
    expect(JSON.stringify(channels)).not.toMatch(/"token"/);
  });

  it("a new hire becomes visible through the intranet's API without a full sync", async () => {
    const runsBefore = (await listRunRecords(deps.db, deps.config.tableName)).length;
    const { data } = await admin.users.insert({
      requestBody: { primaryEmail: 'push.hire@example.com', name: { givenName: 'Pushy', familyName: 'Newhire' }, password: 'p'.repeat(12) },
    });
    await eventually(async () => {
      const response = await app.get(`/api/people/${data.id}`, adminJar);
      expect(response.status).toBe(200);
    });
    await eventually(async () => {
      const found = (await (await app.get('/api/people?q=Newhire', adminJar)).json()) as { items: Array<{ id: string }> };
      expect(found.items.map((p) => p.id)).toContain(data.id);
    });
    expect((await listRunRecords(deps.db, deps.config.tableName)).length).toBe(runsBefore);
  });

  it('a suspended person loses their sessions and vanishes from search', async () => {
    const person = liveUser(3);
    const jar = await app.sessionFor(person.primaryEmail);
    expect((await app.get('/api/me', jar)).status).toBe(200);
    await admin.users.patch({ userKey: person.id, requestBody: { suspended: true } });
    await eventually(async () => expect((await app.get('/api/me', jar)).status).toBe(401));
    await eventually(async () => {
      const found = (await (await app.get(`/api/people?q=${encodeURIComponent(person.name.familyName)}`, adminJar)).json()) as {
        items: Array<{ id: string }>;
      };
      expect(found.items.map((p) => p.id)).not.toContain(person.id);
    });
  });

  it('a membership change shows in the access check after the audit lag', async () => {
    const person = liveUser(5);
    const { data: group } = await admin.groups.insert({ requestBody: { email: 'push-access@example.com', name: 'Push access' } });
    await eventually(async () => expect((await app.get(`/api/groups/${group.id}`, adminJar)).status).toBe(200));
    const check = async () =>
      (
        (await (await app.post('/api/access/check', adminJar, JSON.stringify({ userId: person.id, groupIds: [group.id!] }))).json()) as {
          granted: string[];
        }
      ).granted;
    expect(await check()).toEqual([]);
    await admin.members.insert({ groupKey: group.id!, requestBody: { email: person.primaryEmail, role: 'MEMBER' } });
    await eventually(async () => expect(await check()).toEqual([group.id]));
    await admin.members.delete({ groupKey: group.id!, memberKey: person.id });
    await eventually(async () => expect(await check()).toEqual([]));
  });

  it("a group's new address replaces the old one, and the group keeps its members and access (CHANGE_GROUP_EMAIL)", async () => {
    const person = liveUser(6);
    const { data: group } = await admin.groups.insert({ requestBody: { email: 'push-before@example.com', name: 'Push rename' } });
    await admin.members.insert({ groupKey: group.id!, requestBody: { email: person.primaryEmail, role: 'MEMBER' } });
    const granted = async () =>
      (
        (await (await app.post('/api/access/check', adminJar, JSON.stringify({ userId: person.id, groupIds: [group.id!] }))).json()) as {
          granted: string[];
        }
      ).granted;
    await eventually(async () => expect(await granted()).toEqual([group.id]));
    // The activity names the old address, which Google no longer knows: the group is asked for by its id, not deleted.
    await admin.groups.update({ groupKey: group.id!, requestBody: { email: 'push-after@example.com' } });
    await eventually(async () => {
      const stored = (await (await app.get(`/api/groups/${group.id}`, adminJar)).json()) as { email?: string };
      expect(stored.email).toBe('push-after@example.com');
    });
    expect(await granted()).toEqual([group.id]);
  });

  it('duplicated and out-of-order notifications are applied once, and the last state wins', async () => {
    const person = liveUser(7);
    app.harness.emulator.push.setSettings({ duplicateRate: 1, jitterMs: 300 });
    for (const title of ['First', 'Second', 'Third'])
      await admin.users.patch({ userKey: person.id, requestBody: { organizations: [{ title, primary: true }] } });
    await app.harness.emulator.push.idle();
    await deps.pushQueue.idle();
    const profile = (await (await app.get(`/api/people/${person.id}`, adminJar)).json()) as { title?: string };
    expect(profile.title).toBe('Third');
  });

  it("Google failing the worker's calls delays a change but does not lose it", async () => {
    const person = liveUser(9);
    await admin.users.patch({ userKey: person.id, requestBody: { name: { givenName: 'Backoff', familyName: 'Survivor' } } });
    // From now on Google answers 500/503 to every call, the worker's users.get included, for 1.5 s.
    app.harness.emulator.setLimits({ errorRate: 1 });
    await new Promise((ok) => setTimeout(ok, 1_500));
    const failedCalls = app.harness.emulator.counters()['directory.users.get'] ?? 0;
    app.harness.emulator.setLimits({ errorRate: 0 });
    expect(failedCalls).toBeGreaterThan(0);
    await eventually(async () => {
      const profile = (await (await app.get(`/api/people/${person.id}`, adminJar)).json()) as { name?: { familyName?: string } };
      expect(profile.name?.familyName).toBe('Survivor');
    }, 30_000);
  });

  it('push health names every channel, the changes applied and their lag, and a daily full sync', async () => {
    const response = await app.get('/api/admin/push', adminJar);
    expect(response.status).toBe(200);
    const health = (await response.json()) as {
      healthy: boolean;
      appliedLastHour: number;
      lagP95Ms?: number;
      feeds: Array<{ live: boolean }>;
      fullSync: { schedule: string };
    };
    expect(health.healthy).toBe(true);
    expect(health.feeds.every((f) => f.live)).toBe(true);
    expect(health.appliedLastHour).toBeGreaterThan(3);
    expect(health.lagP95Ms).toBeGreaterThan(0);
    expect(health.fullSync.schedule).toBe('daily');
    const employee = await app.sessionFor(liveUser(11).primaryEmail);
    expect((await app.get('/api/admin/push', employee)).status).toBe(403);
  });
});

describe('faults: lost notifications and a channel that ends early', () => {
  it('a lost notification is repaired by the full sync, and push health shows the gap it repaired', async () => {
    const person = liveUser(13);
    app.harness.emulator.push.setSettings({ dropRate: 1 });
    await admin.users.patch({ userKey: person.id, requestBody: { name: { givenName: 'Never', familyName: 'Notified' } } });
    await app.harness.emulator.push.idle();
    await deps.pushQueue.idle();
    const name = async () =>
      ((await (await app.get(`/api/people/${person.id}`, adminJar)).json()) as { name?: { familyName?: string } }).name?.familyName;
    expect(await name()).not.toBe('Notified');
    expect((await app.harness.sync()).status).toBe('succeeded');
    expect(await name()).toBe('Notified');
    const health = (await (await app.get('/api/admin/push', adminJar)).json()) as PushStatus;
    expect(health.fullSync.lastReconciliation?.updated).toBeGreaterThanOrEqual(1);
  });

  it("when a channel ends, the manager opens a successor before the old one's recorded expiry, and changes flow again", async () => {
    const person = liveUser(15);
    const [old] = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.feed === 'users' && c.status === 'active');
    app.harness.emulator.push.expireNow(old!.id);
    await admin.users.patch({ userKey: person.id, requestBody: { orgUnitPath: '/Missed' } });
    // The manager's next run, late in the old channel's life: a successor opens, overlapping it.
    const managerDeps = await createManagerDeps(deps, () => old!.expiresAt - 30 * 60_000);
    const report = await manageChannels(managerDeps);
    expect(report.opened.filter((id) => id.startsWith('users-'))).toHaveLength(1);
    await admin.users.patch({ userKey: person.id, requestBody: { name: { givenName: 'Via', familyName: 'Successor' } } });
    await eventually(async () => {
      const profile = (await (await app.get(`/api/people/${person.id}`, adminJar)).json()) as { name?: { familyName?: string } };
      expect(profile.name?.familyName).toBe('Successor');
    });
  });
});

describe('the receiver refuses what it cannot verify, without calling Google', () => {
  const post = (headers: Record<string, string>, body = '{}') =>
    browserFetch(app.app.origin, '/hooks/google', new Map(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('answers unknown channels, bad tokens, malformed and oversized notifications with 4xx JSON', async () => {
    const [users] = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.feed === 'users' && c.status === 'active');
    const good = {
      'x-goog-channel-id': users!.id,
      'x-goog-resource-id': users!.resourceId,
      'x-goog-resource-state': 'update',
      'x-goog-message-number': '900001',
    };
    app.harness.emulator.resetCounters();
    const answers = await Promise.all([
      post({ ...good, 'x-goog-channel-id': 'no-such-channel', 'x-goog-channel-token': 'x' }),
      ...Array.from({ length: 50 }, (_, i) =>
        post(
          { ...good, 'x-goog-channel-token': `guess-${i}`, 'x-goog-message-number': String(900002 + i) },
          JSON.stringify({ id: liveUser(1).id }),
        ),
      ),
      post({ ...good, 'x-goog-channel-token': 'x', 'x-goog-message-number': 'NaN' }),
      post({ ...good, 'x-goog-channel-token': 'x' }, 'x'.repeat(70 * 1024)),
    ]);
    expect(answers[0]!.status).toBe(404);
    expect(answers.slice(1, 51).every((r) => r.status === 401)).toBe(true);
    expect(answers[51]!.status).toBe(400);
    expect(answers[52]!.status).toBe(413);
    expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('unknown_channel');
    await deps.pushQueue.idle();
    expect(app.harness.emulator.counters()).toEqual({});
  });
});

// Last: it ends every channel the tests above use.
describe('turning push off', () => {
  it('stops every open channel at Google and closes its record (npm run sync -- --stop-channels)', async () => {
    const open = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.status === 'active');
    expect(open.length).toBeGreaterThanOrEqual(3);
    const stopped = await stopAllChannels({
      db: deps.db,
      tableName: deps.config.tableName,
      watch: await createWatchClient(deps),
      now: Date.now,
    });
    expect(stopped.sort()).toEqual(open.map((c) => c.id).sort());
    expect((await listChannels(deps.db, deps.config.tableName)).filter((c) => c.status === 'active')).toEqual([]);
    const atGoogle = app.harness.emulator.push.list().filter((c) => open.some((o) => o.id === c.id));
    expect(atGoogle.every((c) => c.stopped)).toBe(true);
  });
});
