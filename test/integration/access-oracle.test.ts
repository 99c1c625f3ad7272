import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import type { CookieJar } from '../support/sign-in.js';

/**
 * The access check is no directory oracle (issue 14 item 2): an employee may ask only about
 * themselves, and a hidden, suspended or archived person answers exactly as an id nobody holds.
 */
describe('access check as a directory oracle', () => {
  let api: DirectoryApp;
  let employee: CookieJar;
  let admin: CookieJar;
  let self: DirectoryUserResource;
  let everyone: string;
  const unlisted: Record<'hidden' | 'suspended' | 'archived', DirectoryUserResource> = {} as never;
  let listedColleague: DirectoryUserResource;
  const UNKNOWN = '100000000000000000001';

  beforeAll(async () => {
    api = await startDirectoryApp({ users: 30, groups: 6 });
    const { directory } = api.harness.emulator;
    everyone = directory.group('everyone@example.com')!.id;
    const live = directory.users.filter(
      (u) => !u.isAdmin && !u.suspended && !u.archived && !u.deletionTime && u.includeInGlobalAddressList,
    );
    [self, listedColleague] = live as [DirectoryUserResource, DirectoryUserResource];
    const [hidden, suspended, archived] = live.slice(2, 5);
    directory.updateUser(hidden!.id, { includeInGlobalAddressList: false });
    directory.suspendUser(suspended!.id);
    directory.updateUser(archived!.id, { archived: true });
    Object.assign(unlisted, { hidden, suspended, archived });
    expect((await api.harness.sync()).status).toBe('succeeded');
    employee = await api.sessionFor(self!.primaryEmail);
    admin = await api.sessionFor(directory.admin.primaryEmail);
  }, 120_000);
  afterAll(async () => api?.close());

  const check = async (jar: CookieJar, userId: string) => {
    const response = await api.post('/api/access/check', jar, JSON.stringify({ userId, groupIds: [everyone, 'CUSTOMER'] }));
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('lets an employee check themselves', async () => {
    expect(await check(employee, self.id)).toEqual({ status: 200, body: expect.objectContaining({ granted: [everyone, 'CUSTOMER'] }) });
  });

  it('refuses an employee any other id with one 403, whoever holds it', async () => {
    const answers = await Promise.all(
      [listedColleague.id, UNKNOWN, ...Object.values(unlisted).map((u) => u.id)].map((id) => check(employee, id)),
    );
    for (const answer of answers)
      expect(answer).toEqual({ status: 403, body: { error: { code: 'forbidden', message: expect.any(String) } } });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
  });

  it('answers an admin about hidden, suspended and archived people exactly as about an unknown id', async () => {
    const withoutId = ({ status, body: { userId: _id, ...rest } }: Awaited<ReturnType<typeof check>>) => ({ status, rest });
    const unknown = withoutId(await check(admin, UNKNOWN));
    expect(unknown).toEqual({
      status: 200,
      rest: {
        granted: [],
        results: [
          { groupId: everyone, granted: false },
          { groupId: 'CUSTOMER', granted: false },
        ],
      },
    });
    for (const [kind, user] of Object.entries(unlisted)) expect(withoutId(await check(admin, user.id)), kind).toEqual(unknown);
    expect((await check(admin, listedColleague.id)).body).toMatchObject({ granted: [everyone, 'CUSTOMER'] });
  });

  it('shows no unlisted person through profiles, their groups, search or member lists: they answer as an unknown id', async () => {
    const answer = async (path: string) => {
      const response = await api.get(path, employee);
      return { status: response.status, body: await response.text() };
    };
    for (const suffix of ['', '/groups']) {
      const unknown = await answer(`/api/people/${UNKNOWN}${suffix}`);
      expect(unknown.status).toBe(404);
      for (const [kind, user] of Object.entries(unlisted)) expect(await answer(`/api/people/${user.id}${suffix}`), kind).toEqual(unknown);
    }
    // Every group's direct and transitive member lists, including the groups Google lists the unlisted people in.
    const { directory } = api.harness.emulator;
    const unlistedIds = new Set(Object.values(unlisted).map((u) => u.id));
    expect(directory.groups.some((g) => directory.members(g.id).some((m) => unlistedIds.has(m.id)))).toBe(true);
    for (const group of directory.groups) {
      for (const transitive of ['false', 'true']) {
        const { status, body } = await answer(`/api/groups/${group.id}/members?limit=100&transitive=${transitive}`);
        expect(status).toBe(200);
        for (const id of unlistedIds) expect(body, `${group.email} transitive=${transitive}`).not.toContain(id);
      }
    }
    expect((await answer(`/api/groups/${everyone}/members?limit=100&transitive=true`)).body).toContain(listedColleague.id);
    for (const user of Object.values(unlisted)) {
      expect(JSON.parse((await answer(`/api/people?q=${encodeURIComponent(user.primaryEmail)}`)).body)).toMatchObject({
        items: [],
        total: 0,
      });
    }
  });
});
