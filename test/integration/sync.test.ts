import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getDomains,
  getGroupByEmail,
  getSchemas,
  isUserInGroup,
  listDirectMembers,
  listGroupsOfUser,
  listUsersInGroup,
  userGroupsAmong,
} from '../../shared/adapters/dynamodb/groups.js';
import { createSession, readSession, sessionPolicy } from '../../shared/adapters/dynamodb/sessions.js';
import { getUserById } from '../../shared/adapters/dynamodb/users.js';
import { getUserByEmail } from '../support/directory.js';
import { getPendingDiff, listRunRecords } from '../../shared/adapters/dynamodb/sync-state-store.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { itemDiff, minimumCalls, startSyncHarness, type SyncHarness } from '../support/sync.js';

/** Every live user in a group, directly or not, computed straight from the emulator's tenant (the test's oracle). */
function expectedTransitive(emulator: Emulator, groupId: string): Set<string> {
  const live = emulator.directory.users.filter((u) => !u.deletionTime);
  const liveIds = new Set(live.map((u) => u.id));
  const users = new Set<string>();
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const m of emulator.directory.members(id)) {
      if (m.type === 'USER' && liveIds.has(m.id)) users.add(m.id);
      if (m.type === 'CUSTOMER') live.forEach((u) => users.add(u.id));
      if (m.type === 'GROUP') visit(m.id);
    }
  };
  visit(groupId);
  return users;
}

describe('directory sync against the emulator (600 users, 250 groups)', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness();
  });
  afterAll(() => h.close());

  it('fetches everything with the minimum of calls and stores what the intranet reads', async () => {
    const { emulator, table } = h;
    const outcome = await h.sync();
    if (!('record' in outcome)) throw new Error('no record');
    expect(outcome.record).toMatchObject({ status: 'succeeded', errors: [] });
    const live = emulator.directory.users.filter((u) => !u.deletionTime);
    expect(outcome.record.counts).toMatchObject({
      fetched: live.length + emulator.directory.groups.length,
      created: live.length + emulator.directory.groups.length,
      deleted: 0,
    });
    expect(outcome.record.apiCalls).toBe(minimumCalls(emulator));
    expect(outcome.record.retries).toBe(0);

    // Users: by id and by alias, custom schemas, manager, flags.
    const withAlias = live.find((u) => u.aliases?.length && u.relations?.length)!;
    const stored = await getUserById(table.db, table.tableName, withAlias.id);
    expect(stored).toMatchObject({
      primaryEmail: withAlias.primaryEmail,
      title: withAlias.organizations![0]!.title,
      department: withAlias.organizations![0]!.department,
      managerEmail: withAlias.relations![0]!.value,
      customSchemas: withAlias.customSchemas,
      photoUrl: withAlias.thumbnailPhotoUrl,
      etag: withAlias.etag,
    });
    expect((await getUserByEmail(table.db, table.tableName, withAlias.aliases![0]!))?.id).toBe(withAlias.id);
    const suspended = live.find((u) => u.suspended)!;
    expect((await getUserById(table.db, table.tableName, suspended.id))?.suspended).toBe(true);
    const deletedInGoogle = emulator.directory.users.find((u) => u.deletionTime)!;
    expect(await getUserById(table.db, table.tableName, deletedInGoogle.id)).toBeUndefined();
    expect(h.endedSessions).toContain(suspended.id);

    // Domains, and custom schemas with who may read each field.
    expect(await getDomains(table.db, table.tableName)).toEqual([
      { domainName: 'example.com', isPrimary: true, verified: true, aliases: [] },
      { domainName: 'example.org', isPrimary: false, verified: true, aliases: [] },
    ]);
    const [employment] = await getSchemas(table.db, table.tableName);
    expect(employment?.schemaName).toBe('Employment');
    expect(employment?.fields).toContainEqual(expect.objectContaining({ fieldName: 'CostCenter', readAccessType: 'ADMINS_AND_SELF' }));
    expect(employment?.fields).toContainEqual(expect.objectContaining({ fieldName: 'Pronouns', readAccessType: 'ALL_DOMAIN_USERS' }));

    // all-staff@ has more than 200 members: every page was read.
    const staff = (await getGroupByEmail(table.db, table.tableName, 'all-staff@example.com'))!;
    expect(emulator.directory.members(staff.id).length).toBeGreaterThan(200);
    expect(await listDirectMembers(table.db, table.tableName, staff.id)).toHaveLength(emulator.directory.members(staff.id).length);

    // Transitive membership, nested groups, the cycle, CUSTOMER, external members.
    for (const group of emulator.directory.groups) {
      const users = await listUsersInGroup(table.db, table.tableName, group.id);
      expect(new Set(users.map((u) => u.userId)), group.email).toEqual(expectedTransitive(emulator, group.id));
    }
    const everyone = (await getGroupByEmail(table.db, table.tableName, 'everyone@example.com'))!;
    expect(await listUsersInGroup(table.db, table.tableName, everyone.id)).toHaveLength(live.length);
    const external = emulator.directory.groups.flatMap((g) =>
      emulator.directory
        .members(g.id)
        .filter((m) => m.email?.endsWith('@partner.example.net'))
        .map((m) => ({ g, m })),
    )[0]!;
    expect(await listDirectMembers(table.db, table.tableName, external.g.id)).toContainEqual(
      expect.objectContaining({ kind: 'EXTERNAL', memberKey: `EXTERNAL#${external.m.email}` }),
    );
    const engineering = (await getGroupByEmail(table.db, table.tableName, 'engineering@example.com'))!;
    const deepTeam = emulator.directory.groups.find((g) => g.email.startsWith('team-') && g.email.includes('-4@'))!;
    const deepMember = emulator.directory.members(deepTeam.id).find((m) => m.type === 'USER' && !m.email?.endsWith('partner.example.net'))!;
    expect(await isUserInGroup(table.db, table.tableName, deepMember.id, engineering.id)).toBe(true);
    expect((await listGroupsOfUser(table.db, table.tableName, deepMember.id)).map((g) => g.groupId)).toEqual(
      expect.arrayContaining([engineering.id, deepTeam.id]),
    );
    const outsider = live.find((u) => !expectedTransitive(emulator, engineering.id).has(u.id))!;
    expect(await isUserInGroup(table.db, table.tableName, outsider.id, engineering.id)).toBe(false);
    expect(await userGroupsAmong(table.db, table.tableName, deepMember.id, [engineering.id, everyone.id, 'no-such-group'])).toEqual(
      new Set([engineering.id, everyone.id]),
    );
  }, 120_000);

  it('writes nothing but the run record on a second run over an unchanged directory', async () => {
    const before = await h.directoryItems();
    const runsBefore = (await listRunRecords(h.table.db, h.table.tableName)).length;
    const outcome = await h.sync();
    if (!('record' in outcome)) throw new Error('no record');
    expect(outcome.record).toMatchObject({ status: 'succeeded', itemWrites: 0, counts: { created: 0, updated: 0, deleted: 0 } });
    expect(outcome.record.counts.unchanged).toBe(outcome.record.counts.fetched);
    expect(itemDiff(before, await h.directoryItems())).toEqual({ added: [], removed: [], changed: {} });
    expect(await listRunRecords(h.table.db, h.table.tableName)).toHaveLength(runsBefore + 1);
  });

  it('writes exactly the changed user, the removed membership and the deleted user', async () => {
    const { emulator, table } = h;
    const live = emulator.directory.users.filter((u) => !u.deletionTime && !u.suspended && !u.isAdmin);
    const [changed, removedMember, deleted] = [live[10]!, live[20]!, live[30]!];
    const team =
      emulator.directory.groups.find(
        (g) => g.email.startsWith('team-') && emulator.directory.members(g.id).some((m) => m.id === removedMember.id),
      ) ?? emulator.directory.group('all-staff@example.com')!;
    const groupsOfRemovedBefore = new Set((await listGroupsOfUser(table.db, table.tableName, removedMember.id)).map((g) => g.groupId));
    const groupsOfDeleted = (await listGroupsOfUser(table.db, table.tableName, deleted.id)).map((g) => g.groupId);
    const directGroupsOfDeleted = emulator.directory.groups
      .filter((g) => emulator.directory.members(g.id).some((m) => m.id === deleted.id))
      .map((g) => g.id);

    emulator.directory.updateUser(changed.id, {
      organizations: [{ title: 'Principal Engineer', department: changed.organizations![0]!.department, primary: true }],
    });
    emulator.directory.removeMember(team.id, removedMember.id);
    emulator.directory.deleteUser(deleted.id);
    const before = await h.directoryItems();
    h.endedSessions.length = 0;
    const outcome = await h.sync();
    if (!('record' in outcome)) throw new Error('no record');
    expect(outcome.record.status).toBe('succeeded');
    const diff = itemDiff(before, await h.directoryItems());

    const groupsOfRemovedAfter = new Set((await listGroupsOfUser(table.db, table.tableName, removedMember.id)).map((g) => g.groupId));
    const lostByRemoved = [...groupsOfRemovedBefore].filter((g) => !groupsOfRemovedAfter.has(g));
    expect(lostByRemoved).toContain(team.id);
    const affectedGroups = new Set([...lostByRemoved, ...groupsOfDeleted]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual(
      [
        `GROUP#${team.id} MEMBER#USER#${removedMember.id}`,
        ...directGroupsOfDeleted.map((g) => `GROUP#${g} MEMBER#USER#${deleted.id}`),
        ...groupsOfDeleted.map((g) => `USER#${deleted.id} INGROUP#${g}`),
        ...lostByRemoved.map((g) => `USER#${removedMember.id} INGROUP#${g}`),
      ].sort(),
    );
    expect(diff.changed).toEqual({
      [`USER#${changed.id} PROFILE`]: ['hash', 'user'],
      [`USER#${deleted.id} PROFILE`]: ['gsi1pk', 'user'],
      ...Object.fromEntries([...affectedGroups].map((g) => [`GROUP#${g} GROUP`, expect.arrayContaining(['transitiveHash'])])),
    });
    expect((await getUserById(table.db, table.tableName, changed.id))?.title).toBe('Principal Engineer');
    expect((await getUserById(table.db, table.tableName, deleted.id))?.deletedAt).toEqual(expect.any(String));
    expect(h.endedSessions).toEqual([deleted.id]);
    expect(outcome.record.counts).toMatchObject({ deleted: 1 });
    expect(outcome.record.itemWrites).toBe(diff.removed.length + Object.keys(diff.changed).length);
  });

  it("ends a newly suspended user's sessions and gives a renamed user's live sessions the new record", async () => {
    const [user, renamed] = h.emulator.directory.users.filter((u) => !u.deletionTime && !u.suspended && !u.isAdmin && !u.archived);
    const { db, tableName } = h.table;
    const policy = sessionPolicy(h.deps.config);
    const signedIn = async (id: string) => createSession(db, tableName, (await getUserById(db, tableName, id))!, 'test', policy);
    const [suspendedSession, renamedSession] = await Promise.all([signedIn(user!.id), signedIn(renamed!.id)]);
    h.emulator.directory.suspendUser(user!.id);
    h.emulator.directory.updateUser(renamed!.id, {
      name: { ...renamed!.name, fullName: 'Renamed Person', givenName: 'Renamed', familyName: 'Person' },
    });
    h.endedSessions.length = 0;
    await h.sync();
    expect(h.endedSessions).toEqual([user!.id]);
    expect((await getUserById(db, tableName, user!.id))?.suspended).toBe(true);
    expect(await readSession(db, tableName, suspendedSession.identifier, policy)).toBeUndefined();
    expect((await readSession(db, tableName, renamedSession.identifier, policy))?.user.name.fullName).toBe('Renamed Person');
  });

  it('refuses a run that would delete too many users, keeps the diff, and applies it when forced', async () => {
    const { emulator, table } = h;
    const victims = emulator.directory.users.filter((u) => !u.deletionTime && !u.isAdmin).slice(100, 175);
    for (const u of victims) emulator.directory.deleteUser(u.id);
    const suspended = emulator.directory.users.find((u) => !u.deletionTime && !u.isAdmin && !u.suspended && !u.archived)!;
    emulator.directory.suspendUser(suspended.id);
    const before = await h.directoryItems();
    const refused = await h.sync();
    if (!('record' in refused)) throw new Error('no record');
    expect(refused.record.status).toBe('refused');
    expect(refused.record.errors[0]?.message).toMatch(/would delete 75 of \d+ users .* more than the allowed 10%/);
    expect(itemDiff(before, await h.directoryItems())).toEqual({ added: [], removed: [], changed: {} });
    const pending = await getPendingDiff(table.db, table.tableName);
    expect(pending?.deletedUsers.map((u) => u.id).sort()).toEqual(victims.map((u) => u.id).sort());
    // The held diff by kind, for the admin page: deletions, the newly suspended person, and the groups whose members change.
    const kinds = new Map(pending?.kinds?.map((k) => [k.kind, k]));
    expect(kinds.get('users-deleted')?.count).toBe(75);
    expect(
      kinds
        .get('users-deleted')
        ?.samples.map((u) => u.id)
        .sort(),
    ).toEqual(victims.map((u) => u.id).sort());
    expect(kinds.get('users-suspended')).toEqual({
      kind: 'users-suspended',
      count: 1,
      samples: [{ id: suspended.id, email: suspended.primaryEmail }],
    });
    expect(kinds.get('memberships-changed')?.count).toBeGreaterThan(0);
    expect(kinds.get('memberships-changed')?.samples.every((g) => emulator.directory.group(g.email)?.id === g.id)).toBe(true);

    const forced = await h.sync({ force: true });
    if (!('record' in forced)) throw new Error('no record');
    expect(forced.record).toMatchObject({ status: 'succeeded', forced: true, counts: { deleted: 75 } });
    expect(await getPendingDiff(table.db, table.tableName)).toBeUndefined();
    expect((await getUserById(table.db, table.tableName, victims[0]!.id))?.deletedAt).toEqual(expect.any(String));
  });
});
