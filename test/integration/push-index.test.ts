/**
 * Push changes through the people index: what the worker's deltas make visible through the
 * intranet's own API (search, profiles, the org chart, groups), with no index rebuild in between.
 * The receiver, queue and access check are push.test.ts's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin_directory_v1 } from '@googleapis/admin';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { REPORTS_AUDIT_SCOPE } from '../../local/emulator/push/routes.js';
import type { LocalDependencies } from '../../local/local-dependencies.js';
import { readPointer } from '../../shared/adapters/dynamodb/people-index-store.js';
import { manageChannels } from '../../shared/services/push/manager.js';
import { createManagerDeps } from '../../shared/services/push/setup.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import { directoryClient } from '../support/emulator.js';
import { eventually } from '../support/push.js';

let app: DirectoryApp;
let deps: LocalDependencies;
let admin: admin_directory_v1.Admin;
let adminJar: Map<string, string>;
let builtVersion: string | undefined;

const WRITE_SCOPES = [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group];

beforeAll(async () => {
  app = await startDirectoryApp({ users: 60, groups: 6, push: { auditLagMs: 100 } });
  const { emulator } = app.harness;
  emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, ...WRITE_SCOPES, REPORTS_AUDIT_SCOPE]);
  deps = app.app.deps as LocalDependencies;
  expect((await manageChannels(await createManagerDeps(deps))).failures).toEqual([]);
  admin = await directoryClient(emulator, { scopes: WRITE_SCOPES });
  adminJar = await app.sessionFor(emulator.directory.admin.primaryEmail);
  builtVersion = (await readPointer(deps.db, deps.config.tableName))?.version;
}, 120_000);
afterAll(async () => {
  await app.harness.emulator.push.idle();
  await deps.pushQueue.idle();
  await app.close();
});

const json = async <T>(path: string) => (await (await app.get(path, adminJar)).json()) as T;
const search = async (q: string) =>
  (await json<{ items: Array<{ id: string; matched?: { field: string } }> }>(`/api/people?q=${encodeURIComponent(q)}`)).items;
const live = () => app.harness.emulator.directory.users.filter((u) => !u.deletionTime && !u.isAdmin && !u.suspended);

describe('push changes in the people index, through the API', () => {
  it('a rename is found by the new name and no longer by the old one; their reports by the new manager name', async () => {
    const person = live()[2]!;
    const oldName = `${person.name.givenName} ${person.name.familyName}`; // the emulator's record changes in place
    await admin.users.patch({ userKey: person.id, requestBody: { name: { givenName: 'Quentin', familyName: 'Zebulon' } } });
    await eventually(async () => expect((await search('zebulon'))[0]?.id).toBe(person.id));
    const reports = (await json<{ items: Array<{ id: string }> }>(`/api/people/${person.id}/reports`)).items.map((p) => p.id);
    const others = (await search('zebulon')).slice(1);
    expect(others.map((p) => p.id).sort()).toEqual([...reports].sort());
    expect(others.every((p) => p.matched?.field === 'manager')).toBe(true);
    // The old name no longer matches as a name (the address, unchanged, still holds it).
    const byOldName = (await search(oldName)).find((p) => p.id === person.id);
    expect(byOldName === undefined || byOldName.matched?.field === 'email').toBe(true);
  });

  it('a new hire with a manager shows in the manager’s reports and org chart; suspended, they leave it', async () => {
    const manager = live()[4]!;
    const { data } = await admin.users.insert({
      requestBody: {
        primaryEmail: 'report.hire@example.com',
        name: { givenName: 'Rita', familyName: 'Reportington' },
        password: 'r'.repeat(12),
        relations: [{ type: 'manager', value: manager.primaryEmail }],
      },
    });
    const reports = () => json<{ items: Array<{ id: string }> }>(`/api/people/${manager.id}/reports`);
    await eventually(async () => expect((await reports()).items.map((p) => p.id)).toContain(data.id));
    const profile = await json<{ manager: { id: string } | null; managerChain: { people: Array<{ id: string }> } }>(
      `/api/people/${data.id}`,
    );
    expect(profile.manager?.id).toBe(manager.id);
    expect(profile.managerChain.people[0]?.id).toBe(manager.id);

    await admin.users.patch({ userKey: data.id!, requestBody: { suspended: true } });
    await eventually(async () => expect((await reports()).items.map((p) => p.id)).not.toContain(data.id));
    expect(await search('reportington')).toEqual([]);
    expect((await app.get(`/api/people/${data.id}`, adminJar)).status).toBe(404);
  });

  it('a membership added and removed moves the group’s member count and the person’s groups; a renamed group is found by its new name', async () => {
    const person = live()[6]!;
    const { data: group } = await admin.groups.insert({ requestBody: { email: 'pushgrp@example.com', name: 'Index push' } });
    const count = async () => (await json<{ directMembersCount?: number }>(`/api/groups/${group.id}`)).directMembersCount;
    await eventually(async () => expect(await count()).toBe(0));
    const groupsOf = async () => (await json<{ groups: Array<{ id: string }> }>(`/api/people/${person.id}`)).groups.map((g) => g.id);
    await admin.members.insert({ groupKey: group.id!, requestBody: { email: person.primaryEmail, role: 'MEMBER' } });
    await eventually(async () => expect(await count()).toBe(1));
    expect(await groupsOf()).toContain(group.id);
    await admin.members.delete({ groupKey: group.id!, memberKey: person.id });
    await eventually(async () => expect(await count()).toBe(0));
    expect(await groupsOf()).not.toContain(group.id);

    await admin.groups.patch({ groupKey: group.id!, requestBody: { name: 'Renamed push group' } });
    const found = async (q: string) =>
      (await json<{ items: Array<{ id: string }> }>(`/api/groups?q=${encodeURIComponent(q)}`)).items.map((g) => g.id);
    await eventually(async () => expect(await found('renamed push')).toEqual([group.id]));
    expect(await found('index')).toEqual([]);
  });

  it('none of it rebuilt the published index: every change came as a delta', async () => {
    await app.harness.emulator.push.idle();
    await deps.pushQueue.idle();
    expect((await readPointer(deps.db, deps.config.tableName))?.version).toBe(builtVersion);
  });
});
