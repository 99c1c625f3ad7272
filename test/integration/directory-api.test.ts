import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fold } from '../../shared/domain/people/normalize.js';
import { SyncStateStore } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { provideDependencies } from '../../shared/runtime/dependencies.js';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import { runCli } from '../support/cli.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import type { CookieJar } from '../support/sign-in.js';

interface Person {
  id: string;
  primaryEmail: string;
  name: { fullName: string };
  title?: string;
  department?: string;
  location?: string;
}
interface Group {
  id: string;
  email: string;
  name: string;
  description: string;
  directMembersCount: number;
}
interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * The people and groups API over real HTTP, on a directory the real sync copied from the Google
 * emulator (names with accents, cities, hidden and suspended users, nested teams and a cycle).
 */
describe('people and groups API', () => {
  let api: DirectoryApp;
  let member: CookieJar;
  let admin: CookieJar;
  let users: readonly DirectoryUserResource[];
  const listed = (u: DirectoryUserResource) => !u.suspended && !u.archived && !u.deletionTime && u.includeInGlobalAddressList;
  /** Whether the user's domain's sharing settings show colleagues their phone numbers and locations. */
  const sharesContacts = (u: DirectoryUserResource) => {
    const shared = api.harness.emulator.directory.data.sharedContactFields[u.primaryEmail.split('@')[1]!];
    return !shared || (shared.includes('phones') && shared.includes('locations'));
  };
  const groupByEmail = (email: string) => api.harness.emulator.directory.group(email)!;
  /** Every audit entry (pk AUDIT), oldest first. */
  const auditEntries = async () =>
    (
      await api.app.deps.db.send(
        new QueryCommand({
          TableName: api.app.deps.config.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'AUDIT' },
        }),
      )
    ).Items ?? [];

  /** Users in a group directly or through nesting (cycle-safe), CUSTOMER meaning every live user: what the API must answer. */
  function usersIn(groupId: string, seen = new Set<string>()): Set<string> {
    const found = new Set<string>();
    if (seen.has(groupId)) return found;
    seen.add(groupId);
    for (const m of api.harness.emulator.directory.members(groupId)) {
      if (m.type === 'USER' && users.some((u) => u.id === m.id)) found.add(m.id);
      if (m.type === 'GROUP') for (const id of usersIn(m.id, seen)) found.add(id);
      if (m.type === 'CUSTOMER') for (const u of users) if (!u.deletionTime) found.add(u.id);
    }
    return found;
  }

  async function getJson<T>(path: string, jar = member): Promise<T> {
    const response = await api.get(path, jar);
    expect(response.status, `${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as T;
  }

  /** Every page of a list, holding each to the list contract: full while a cursor follows, never an empty page after one. */
  async function all<T>(path: string, jar = member): Promise<{ items: T[]; pages: number }> {
    const items: T[] = [];
    let pages = 0;
    let cursor: string | undefined;
    const limit = Number(new URLSearchParams(path.split('?')[1]).get('limit') ?? 25);
    do {
      const separator = path.includes('?') ? '&' : '?';
      const page = await getJson<Page<T>>(`${path}${cursor ? `${separator}cursor=${encodeURIComponent(cursor)}` : ''}`, jar);
      items.push(...page.items);
      pages += 1;
      if (page.nextCursor) expect(page.items, `${path}: page ${pages} has a cursor`).toHaveLength(limit);
      else if (pages > 1) expect(page.items.length, `${path}: last page ${pages} after a cursor`).toBeGreaterThan(0);
      expect(pages).toBeLessThan(500);
      cursor = page.nextCursor;
    } while (cursor);
    return { items, pages };
  }

  beforeAll(async () => {
    api = await startDirectoryApp({ users: 150, groups: 24 });
    users = api.harness.emulator.directory.users;
    const someone = users.find((u) => listed(u) && !u.isAdmin)!;
    member = await api.sessionFor(someone.primaryEmail);
    admin = await api.sessionFor(api.harness.emulator.directory.admin.primaryEmail);
  }, 120_000);
  afterAll(async () => api?.close());

  describe('search', () => {
    it('finds a colleague by an accent-free, lower-case name, the exact name first', async () => {
      const accented = users.find((u) => listed(u) && fold(u.name.fullName) !== u.name.fullName.toLowerCase())!;
      const query = fold(accented.name.fullName);
      const { items } = await getJson<Page<Person>>(`/api/people?q=${encodeURIComponent(query)}`);
      expect(items.map((p) => p.id)).toContain(accented.id);
      expect(fold(items[0]!.name.fullName)).toBe(query);
    });

    it('matches word prefixes, all words required, case-insensitively', async () => {
      const target = users.find((u) => listed(u) && u.name.familyName.length > 4)!;
      const q = `${fold(target.name.givenName).slice(0, 2).toUpperCase()} ${fold(target.name.familyName).slice(0, 4)}`;
      const { items } = await all<Person>(`/api/people?q=${encodeURIComponent(q)}&limit=100`);
      expect(items.map((p) => p.id)).toContain(target.id);
      const none = await getJson<Page<Person>>(`/api/people?q=${encodeURIComponent(`${target.name.givenName} zzzzqq`)}`);
      expect(none).toEqual({ items: [], total: 0, facets: { department: [], location: [], title: [] } });
    });

    it('finds by city and by title: exactly the listed people there', async () => {
      const inKrakow = await all<Person & { matched?: unknown }>('/api/people?q=krakow&limit=10');
      // Nobody is called Kraków: each result says it matched on the place.
      expect(inKrakow.items.every((p) => JSON.stringify(p.matched) === JSON.stringify({ field: 'location', value: 'Kraków' }))).toBe(true);
      expect(inKrakow.items.map((p) => p.id).sort()).toEqual(
        users
          .filter((u) => listed(u) && sharesContacts(u) && u.locations?.[0]?.buildingId === 'KRK-1')
          .map((u) => u.id)
          .sort(),
      );
      expect(inKrakow.items.every((p) => p.location === 'Kraków')).toBe(true);
      const directors = await all<Person & { matched?: unknown }>('/api/people?q=Director&limit=100');
      expect(directors.items.every((p) => JSON.stringify(p.matched) === JSON.stringify({ field: 'title', value: 'Director' }))).toBe(true);
      expect(directors.items.map((p) => p.id).sort()).toEqual(
        users
          .filter((u) => listed(u) && u.organizations?.[0]?.title === 'Director')
          .map((u) => u.id)
          .sort(),
      );
    });

    it('filters by department, location, title and manager, with or without words, and counts facets over the whole result', async () => {
      const department = (u: DirectoryUserResource) => u.organizations?.[0]?.department;
      const engineers = users.filter((u) => listed(u) && department(u) === 'Engineering');
      expect(engineers.length).toBeGreaterThan(2);
      const byDepartment = await all<Person>('/api/people?department=engineering&limit=7');
      expect(byDepartment.items.map((p) => p.id).sort()).toEqual(engineers.map((u) => u.id).sort());
      expect(byDepartment.items.every((p) => p.department === 'Engineering')).toBe(true);

      const first = await getJson<{ total: number; facets: Record<string, { value: string; count: number }[]> }>(
        '/api/people?department=Engineering&limit=1',
      );
      expect(first.total).toBe(engineers.length);
      expect(first.facets.department).toEqual([{ value: 'Engineering', count: engineers.length }]);
      const titles = new Map<string, number>();
      for (const u of engineers)
        if (u.organizations?.[0]?.title) titles.set(u.organizations[0].title, (titles.get(u.organizations[0].title) ?? 0) + 1);
      expect(new Map(first.facets.title!.map((f) => [f.value, f.count]))).toEqual(titles);
      expect(first.facets.title!.map((f) => f.count)).toEqual([...first.facets.title!.map((f) => f.count)].sort((a, b) => b - a));

      const [someTitle] = titles.keys();
      const narrowed = await all<Person>(`/api/people?department=Engineering&title=${encodeURIComponent(someTitle!)}&limit=100`);
      expect(narrowed.items.map((p) => p.id).sort()).toEqual(
        engineers
          .filter((u) => u.organizations?.[0]?.title === someTitle)
          .map((u) => u.id)
          .sort(),
      );

      const engineer = engineers[0]!;
      const withWords = await all<Person>(
        `/api/people?q=${encodeURIComponent(engineer.name!.familyName)}&department=Engineering&limit=100`,
      );
      expect(withWords.items.map((p) => p.id)).toContain(engineer.id);
      expect(withWords.items.every((p) => p.department === 'Engineering')).toBe(true);

      const manager = users.find((m) => listed(m) && users.some((u) => listed(u) && u.relations?.[0]?.value === m.primaryEmail))!;
      const reports = await all<Person>(`/api/people?manager=${manager.id}&limit=100`);
      expect(reports.items.map((p) => p.id).sort()).toEqual(
        users
          .filter((u) => listed(u) && u.relations?.[0]?.value === manager.primaryEmail)
          .map((u) => u.id)
          .sort(),
      );
      expect((await getJson<{ items: unknown[] }>('/api/people?department=No%20such%20department')).items).toEqual([]);
      // Neither words nor filters: everyone listed, by name, with the facets to start narrowing.
      const everyone = await getJson<{ total: number; items: Person[]; facets: Record<string, { count: number }[]> }>('/api/people?q=');
      expect(everyone.total).toBe(users.filter(listed).length);
      expect(everyone.facets.department!.reduce((sum, f) => sum + f.count, 0)).toBe(users.filter((u) => listed(u) && department(u)).length);
      for (const bad of [
        '/api/people?manager=ada%40example.com',
        `/api/people?department=${'x'.repeat(201)}`,
        '/api/people?department=a&department=b',
      ]) {
        expect((await api.get(bad, member)).status, bad).toBe(400);
      }
    });

    it('takes every id of the shape Google documents for a user (up to 255 letters, digits, - or _), and never an email', async () => {
      // Unknown, but of a shape a Google id may have: not found, where a numeric-only check answered 400.
      for (const id of ['1'.repeat(22), 'Ab_9-x', 'z'.repeat(255)]) {
        const response = await api.get(`/api/people/${id}`, member);
        expect(response.status, id).toBe(404);
      }
      for (const id of [encodeURIComponent(users[0]!.primaryEmail), '1'.repeat(256)]) {
        const response = await api.get(`/api/people/${id}`, member);
        expect(response.status, id).toBe(400);
        expect(await response.json()).toMatchObject({ error: { code: 'invalid_user_id' } });
      }
    });

    it('never shows suspended, archived, deleted or hidden users, even by exact name or email', async () => {
      const unlisted = users.filter((u) => !listed(u));
      expect(unlisted.length).toBeGreaterThan(0);
      for (const user of unlisted) {
        for (const q of [user.name.fullName, user.primaryEmail]) {
          const { items } = await all<Person>(`/api/people?q=${encodeURIComponent(q)}&limit=100`);
          expect(items.map((p) => p.id)).not.toContain(user.id);
        }
        expect((await api.get(`/api/people/${user.id}`, member)).status).toBe(404);
      }
    });

    it('pages to the end: every listed person once, no cursor on the last page', async () => {
      const { items, pages } = await all<Person>('/api/people?q=example&limit=7');
      const ids = items.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(
        users
          .filter(listed)
          .map((u) => u.id)
          .sort(),
      );
      expect(pages).toBe(Math.ceil(ids.length / 7));
    });

    it('refuses a tampered cursor, a cursor of another query, an empty or over-long query', async () => {
      const first = await getJson<Page<Person>>('/api/people?q=example&limit=5');
      const cursor = first.nextCursor!;
      // One signature character changed (to a different one, whatever the signature is).
      const tampered = `${cursor.slice(0, -2)}${cursor.at(-2) === 'A' ? 'B' : 'A'}${cursor.slice(-1)}`;
      for (const path of [
        `/api/people?q=example&cursor=${encodeURIComponent(tampered)}`,
        `/api/people?q=other&cursor=${encodeURIComponent(cursor)}`,
        `/api/groups?cursor=${encodeURIComponent(cursor)}`,
        '/api/people?q=%20%2C%2E',
        `/api/people?q=${'a'.repeat(201)}`,
        '/api/people?q=ada&limit=0',
      ]) {
        const response = await api.get(path, member);
        expect(response.status, path).toBe(400);
        expect((await response.json()) as { error: { code: string } }).toMatchObject({ error: { code: expect.any(String) } });
      }
    });
  });

  describe('profiles and groups', () => {
    it('shows a profile with contact, manager, direct reports and every group, directly or not', async () => {
      const user = users.find(
        (u) =>
          listed(u) && sharesContacts(u) && u.relations?.length && listed(users.find((m) => m.primaryEmail === u.relations![0]!.value)!),
      )!;
      const manager = users.find((m) => m.primaryEmail === user.relations![0]!.value)!;
      const profile = await getJson<Person & { manager: Person; phones: unknown[]; groups: (Group & { direct: boolean })[] }>(
        `/api/people/${user.id}`,
      );
      expect(profile).toMatchObject({
        id: user.id,
        primaryEmail: user.primaryEmail,
        title: user.organizations![0]!.title,
        manager: { id: manager.id },
      });
      expect(profile.phones).toEqual([{ type: 'work', value: user.phones![0]!.value }]);
      const groups = new Map(profile.groups.map((g) => [g.email, g.direct]));
      expect(groups.get('all-staff@example.com')).toBe(true);
      expect(groups.get('everyone@example.com')).toBe(false);
      const managerProfile = await getJson<{ directReports: Person[] }>(`/api/people/${manager.id}`);
      expect(managerProfile.directReports.map((p) => p.id)).toContain(user.id);
    });

    it('carries the manager chain to the top and pages direct reports, each with their own count', async () => {
      const byEmail = new Map(users.map((u) => [u.primaryEmail, u]));
      const managerOf = (u: DirectoryUserResource) => byEmail.get(u.relations?.find((r) => r.type === 'manager')?.value ?? '');
      const reportsOf = (m: DirectoryUserResource) => users.filter((u) => listed(u) && managerOf(u)?.id === m.id);
      // The deepest listed person whose chain is all listed: the chain the API must answer, nearest first.
      const chains = users
        .filter(listed)
        .map((u) => {
          const chain: DirectoryUserResource[] = [];
          for (let m = managerOf(u); m && listed(m) && !chain.includes(m) && m !== u; m = managerOf(m)) chain.push(m);
          return { u, chain };
        })
        .filter(({ chain }) => chain.length > 0 && !managerOf(chain.at(-1)!))
        .sort((a, b) => b.chain.length - a.chain.length);
      const { u: deepest, chain } = chains[0]!;
      expect(chain.length).toBeGreaterThan(1);
      const profile = await getJson<{ managerChain: unknown; reportCount: number }>(`/api/people/${deepest.id}`);
      expect(profile.managerChain).toEqual({ people: chain.map((m) => ({ id: m.id, name: m.name!.fullName })), end: 'top' });

      const boss = chain.at(-1)!;
      const reports = await all<Person & { reportCount: number }>(`/api/people/${boss.id}/reports?limit=2`);
      expect(reports.items.map((p) => p.id).sort()).toEqual(
        reportsOf(boss)
          .map((u) => u.id)
          .sort(),
      );
      for (const report of reports.items) expect(report.reportCount, report.id).toBe(reportsOf(byEmail.get(report.primaryEmail)!).length);
      expect((await getJson<{ reportCount: number }>(`/api/people/${boss.id}`)).reportCount).toBe(reports.items.length);
      expect((await api.get('/api/people/999999999999/reports', member)).status).toBe(404);
      expect((await api.get(`/api/people/${boss.id}/reports?limit=0`, member)).status).toBe(400);
    });

    it("shows colleagues only what Google's directory shows them, and each person their own full record", async () => {
      const colleague = users.find((u) => listed(u) && !sharesContacts(u) && u.phones?.length && u.locations?.length)!;
      const profile = await getJson<Person & { phones: unknown[]; locations: unknown[]; customFields: Array<{ field: string }> }>(
        `/api/people/${colleague.id}`,
      );
      expect(profile).toMatchObject({ id: colleague.id, title: colleague.organizations![0]!.title, phones: [], locations: [] });
      expect(profile).not.toHaveProperty('location');
      expect(profile.customFields.map((f) => f.field)).toEqual(['Pronouns']);
      const phoneDigits = colleague.phones![0]!.value.replace(/\D/g, '');
      expect((await all<Person>(`/api/people?q=${phoneDigits}&limit=100`)).items.map((p) => p.id)).not.toContain(colleague.id);
      const own = await getJson<{ user: { phones: unknown[]; customSchemas: Record<string, Record<string, unknown>> } }>(
        '/api/me',
        await api.sessionFor(colleague.primaryEmail),
      );
      expect(own.user.phones).toEqual([{ type: 'work', value: colleague.phones![0]!.value }]);
      expect(own.user.customSchemas.Employment).toHaveProperty('CostCenter');
      expect(own.user).not.toHaveProperty('shared');
    });

    it('searches groups and shows one', async () => {
      const { items } = await getJson<Page<Group>>('/api/groups?q=engineering');
      expect(items[0]).toMatchObject({ email: 'engineering@example.com', name: 'Engineering' });
      const engineering = groupByEmail('engineering@example.com');
      expect(await getJson<Group>(`/api/groups/${engineering.id}`)).toEqual({
        id: engineering.id,
        email: engineering.email,
        name: engineering.name,
        description: engineering.description,
        directMembersCount: Number(engineering.directMembersCount),
      });
      const everything = await all<Group>('/api/groups?limit=5');
      expect(everything.items).toHaveLength(api.harness.emulator.directory.groups.length);
    });

    it('lists direct members (people, nested groups) and transitive members through four levels of nesting', async () => {
      const engineering = groupByEmail('engineering@example.com');
      const direct = await all<{ kind: string; id?: string; email?: string }>(`/api/groups/${engineering.id}/members?limit=10`);
      expect(direct.items.filter((m) => m.kind === 'GROUP').map((m) => m.email)).toEqual(['team-alpha-1@example.com']);
      const transitive = await all<Person & { direct: boolean }>(`/api/groups/${engineering.id}/members?transitive=true&limit=9`);
      const expected = [...usersIn(engineering.id)].filter((id) => listed(users.find((u) => u.id === id)!));
      expect(transitive.items.map((p) => p.id).sort()).toEqual(expected.sort());
      const deepest = api.harness.emulator.directory
        .members(groupByEmail('team-comet-4@example.com').id)
        .find((m) => m.type === 'USER' && listed(users.find((u) => u.id === m.id)!))!;
      expect(transitive.items.map((p) => p.id)).toContain(deepest.id);
    });

    it("resolves the cycle: each of the two teams holds the other one's people", async () => {
      const delta = groupByEmail('team-delta-5@example.com');
      const ember = groupByEmail('team-ember-6@example.com');
      const [ofDelta, ofEmber] = await Promise.all(
        [delta, ember].map((g) => all<Person>(`/api/groups/${g.id}/members?transitive=true&limit=100`)),
      );
      expect(new Set(ofDelta!.items.map((p) => p.id))).toEqual(new Set(ofEmber!.items.map((p) => p.id)));
      expect(ofDelta!.items.map((p) => p.id).sort()).toEqual(
        [...usersIn(delta.id)].filter((id) => listed(users.find((u) => u.id === id)!)).sort(),
      );
    });

    it("lists a person's groups, transitively or directly only", async () => {
      const comet = groupByEmail('team-comet-4@example.com');
      const person = api.harness.emulator.directory
        .members(comet.id)
        .find((m) => m.type === 'USER' && listed(users.find((u) => u.id === m.id)!))!;
      const transitive = await all<Group & { direct: boolean }>(`/api/people/${person.id}/groups?limit=3`);
      const direct = await all<Group & { direct: boolean }>(`/api/people/${person.id}/groups?transitive=false&limit=3`);
      expect(transitive.items.map((g) => g.email)).toEqual(
        expect.arrayContaining([
          'team-comet-4@example.com',
          'team-beacon-3@example.com',
          'team-alpha-1@example.com',
          'engineering@example.com',
          'everyone@example.com',
        ]),
      );
      expect(direct.items.every((g) => g.direct)).toBe(true);
      expect(direct.items.map((g) => g.email)).toContain('team-comet-4@example.com');
      expect(direct.items.map((g) => g.email)).not.toContain('team-alpha-1@example.com');
    });
  });

  describe('access checks', () => {
    // An admin may check anyone (an employee only themselves: test/integration/access-oracle.test.ts).
    const check = async (body: unknown) => {
      const response = await api.post('/api/access/check', admin, JSON.stringify(body));
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { granted: string[]; results: { groupId: string; granted: boolean }[] };
    };

    it('grants through nesting, the cycle, the whole tenant, and nothing else', async () => {
      const ids = (emails: string[]) => emails.map((e) => groupByEmail(e).id);
      const [engineering, alpha, comet, delta, ember, everyone, sales] = ids([
        'engineering@example.com',
        'team-alpha-1@example.com',
        'team-comet-4@example.com',
        'team-delta-5@example.com',
        'team-ember-6@example.com',
        'everyone@example.com',
        'sales@example.com',
      ]);
      const person = api.harness.emulator.directory
        .members(comet!)
        .find((m) => m.type === 'USER' && listed(users.find((u) => u.id === m.id)!))!;
      const asked = [engineering!, alpha!, comet!, delta!, ember!, everyone!, sales!, 'CUSTOMER'];
      const answer = await check({ userId: person.id, groupIds: asked });
      const expected = asked.filter((g) => g === 'CUSTOMER' || usersIn(g).has(person.id));
      expect(answer.granted).toEqual(expected);
      expect(answer.granted).toEqual(expect.arrayContaining([engineering, alpha, comet, everyone, 'CUSTOMER']));
      expect(answer.results).toHaveLength(asked.length);
    });

    it('answers 401 to a caller without a session whatever the body, and 400 for a bad body only once signed in', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const bodies: Array<[string, Record<string, string> | undefined]> = [
        ['{', undefined],
        ['[]', undefined],
        ['{"userId":"1"}', undefined],
        ['{"userId":"1","groupIds":[],"extra":1}', undefined],
        ['userId=1', form],
      ];
      for (const [body, headers] of bodies) {
        const anonymous = await api.post('/api/access/check', new Map(), body, headers);
        expect(anonymous.status, body).toBe(401);
        expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthenticated' } });
        expect((await api.post('/api/access/check', member, body, headers)).status, body).toBeOneOf([400, 415]);
      }
    });

    it('grants a suspended or unknown user nothing', async () => {
      const suspended = users.find((u) => u.suspended)!;
      const everyone = groupByEmail('everyone@example.com').id;
      expect((await check({ userId: suspended.id, groupIds: [everyone, 'CUSTOMER'] })).granted).toEqual([]);
      expect((await check({ userId: '99999999999999999999', groupIds: [everyone, 'CUSTOMER'] })).granted).toEqual([]);
    });
  });

  describe('admin', () => {
    const adminRequests = (id: string): Array<[string, string, string | undefined]> => [
      ['GET', '/api/admin/sync/runs', undefined],
      ['POST', '/api/admin/sync/run', '{}'],
      // Bad input too: who may call is answered before what the request holds.
      ['POST', '/api/admin/sync/run', '{"force":"yes"}'],
      ['POST', '/api/admin/sync/run', '{'],
      ['GET', '/api/admin/sync/pending', undefined],
      ['GET', '/api/admin/sync/progress', undefined],
      ['POST', `/api/admin/users/${id}/sessions/revoke`, undefined],
      ['POST', '/api/admin/users/not-an-id/sessions/revoke', undefined],
      ['POST', '/api/admin/sessions/revoke-all', undefined],
    ];
    const send = (jar: CookieJar, [method, path, body]: [string, string, string | undefined]) =>
      method === 'GET' ? api.get(path, jar) : api.post(path, jar, body);

    it('answers 403 to a signed-in non-admin and 401 without a session, on every admin route', async () => {
      for (const request of adminRequests(users[1]!.id)) {
        const forbidden = await send(member, request);
        expect(forbidden.status, request[1]).toBe(403);
        expect(await forbidden.json()).toMatchObject({ error: { code: 'forbidden' } });
        expect((await send(new Map(), request)).status).toBe(401);
      }
    });

    it('lets a member of ADMIN_GROUP_EMAIL in, and /api/me says so by the same rule', async () => {
      const engineering = groupByEmail('engineering@example.com');
      const nonAdmins = users.filter((u) => listed(u) && !u.isAdmin);
      // A member through nesting (team-alpha-1 sits under engineering), and someone outside the group;
      // from the end of the list, clear of the users other tests count sessions of.
      const alphaMembers = new Set(api.harness.emulator.directory.members(groupByEmail('team-alpha-1@example.com').id).map((m) => m.id));
      const inside = await api.sessionFor(nonAdmins.findLast((u) => alphaMembers.has(u.id))!.primaryEmail);
      const outside = await api.sessionFor(nonAdmins.findLast((u) => !usersIn(engineering.id).has(u.id))!.primaryEmail);
      const adminStatus = async (jar: CookieJar) => [
        (await getJson<{ isAdmin: boolean }>('/api/me', jar)).isAdmin,
        (await api.get('/api/admin/sync/pending', jar)).status,
      ];
      expect(await adminStatus(inside)).toEqual([false, 403]);
      provideDependencies({ ...api.app.deps, config: { ...api.app.deps.config, adminGroupEmail: engineering.email } });
      try {
        expect(await adminStatus(inside)).toEqual([true, 200]);
        expect(await adminStatus(outside)).toEqual([false, 403]);
        expect(await adminStatus(admin)).toEqual([true, 200]);
      } finally {
        provideDependencies(api.app.deps);
      }
    });

    it('shows sync runs, starts one now, and shows no pending diff', async () => {
      const before = await all<{ runId: string; status: string; counts: { fetched: number } }>('/api/admin/sync/runs?limit=1', admin);
      expect(before.items[0]).toMatchObject({ status: 'succeeded', counts: { fetched: expect.any(Number) } });
      expect(before.items[0]!.counts.fetched).toBeGreaterThanOrEqual(users.length);
      const started = await api.post('/api/admin/sync/run', admin, JSON.stringify({ force: false }));
      expect(started.status).toBe(202);
      expect(await started.json()).toEqual({ started: 'started-in-process', force: false });
      let runs = before.items;
      for (let i = 0; i < 200 && runs.length === before.items.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        runs = (await all<(typeof before.items)[number]>('/api/admin/sync/runs', admin)).items;
      }
      expect(runs).toHaveLength(before.items.length + 1);
      expect(runs[0]!.status).toBe('succeeded');
      expect(await getJson('/api/admin/sync/pending', admin)).toEqual({ pending: null });
    });

    it("shows admins the running sync's phase and counts from its checkpoint, and null when none runs", async () => {
      expect(await getJson('/api/admin/sync/progress', admin)).toEqual({ progress: null });
      const store = new SyncStateStore(api.app.deps.db, api.app.deps.config.tableName);
      const checkpoint = {
        runId: 'run-in-progress',
        owner: 'invocation-1',
        startedAt: '2026-12-06T22:00:00.000Z',
        force: false,
        phase: 'applying' as const,
        chunks: ['c1', 'c2', 'c3'],
        stats: { apiCalls: 12, retries: 1, itemWrites: 40, invocations: 2 },
        approvedCounts: { fetched: 100, created: 3, updated: 5, unchanged: 92, deleted: 0 },
      };
      await store.putCheckpoint(checkpoint, { first: true });
      try {
        expect(await getJson('/api/admin/sync/progress', admin)).toEqual({
          progress: {
            runId: 'run-in-progress',
            startedAt: checkpoint.startedAt,
            force: false,
            phase: 'applying',
            stagedChunks: 3,
            apiCalls: 12,
            retries: 1,
            itemWrites: 40,
            invocations: 2,
            counts: checkpoint.approvedCounts,
          },
        });
        expect((await api.get('/api/admin/sync/progress', member)).status).toBe(403);
      } finally {
        await store.deleteCheckpoint();
      }
    });

    it('refuses a cross-site access check, run-now and session revoke with 403, even for an admin, and changes nothing', async () => {
      const victim = users.findLast((u) => listed(u) && !u.isAdmin && u.primaryEmail !== users[1]!.primaryEmail)!;
      const victimSession = await api.sessionFor(victim.primaryEmail);
      const everyone = groupByEmail('everyone@example.com').id;
      const requests: Array<[string, string]> = [
        ['/api/access/check', JSON.stringify({ userId: victim.id, groupIds: [everyone] })],
        ['/api/admin/sync/run', '{}'],
        [`/api/admin/users/${victim.id}/sessions/revoke`, ''],
      ];
      const otherPort = new URL(api.app.origin);
      otherPort.port = String(Number(otherPort.port) + 1);
      const crossSite: Array<Record<string, string>> = [
        { origin: 'https://evil.example' },
        { origin: 'null' },
        { origin: `${api.app.origin}.evil.example` },
        { origin: otherPort.origin },
        { 'sec-fetch-site': 'cross-site' },
        {},
      ];
      const runsBefore = (await all<{ runId: string }>('/api/admin/sync/runs', admin)).items.length;
      for (const [path, body] of requests) {
        const caller = path.startsWith('/api/admin') ? admin : member;
        for (const headers of crossSite) {
          // Plain fetch: browserFetch would add our own Origin.
          const response = await fetch(`${api.app.origin}${path}`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', cookie: `${SESSION_COOKIE}=${caller.get(SESSION_COOKIE)}`, ...headers },
          });
          expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
          expect(await response.json()).toMatchObject({ error: { code: 'cross_site_request' } });
        }
      }
      expect((await api.get('/api/me', victimSession)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await all<{ runId: string }>('/api/admin/sync/runs', admin)).items).toHaveLength(runsBefore);
    });

    it('ends every session of a user', async () => {
      const victim = users.find((u) => listed(u) && !u.isAdmin && u.primaryEmail !== users[1]!.primaryEmail)!;
      const [a, b] = [await api.sessionFor(victim.primaryEmail), await api.sessionFor(victim.primaryEmail)];
      expect((await api.get('/api/me', a)).status).toBe(200);
      const before = await auditEntries();
      const response = await api.post(`/api/admin/users/${victim.id}/sessions/revoke`, admin, undefined);
      expect(await response.json()).toEqual({ userId: victim.id, revoked: 2 });
      expect((await api.get('/api/me', a)).status).toBe(401);
      expect((await api.get('/api/me', b)).status).toBe(401);
      // Who asked, whose sessions (by immutable id, never email), when and how many.
      const added = (await auditEntries()).filter((e) => !before.some((b) => b.sk === e.sk));
      expect(added).toEqual([
        expect.objectContaining({
          action: 'sessions.revoke',
          actor: api.harness.emulator.directory.admin.id,
          userId: victim.id,
          revoked: 2,
          at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        }),
      ]);
      expect(JSON.stringify(added)).not.toContain(victim.primaryEmail);
    });
  });
  describe('after directory sync sees a change', () => {
    it('publishes a new index: a renamed person is found by the new name, a suspended one is gone, old cursors are refused', async () => {
      const oldPage = await getJson<Page<Person>>('/api/people?q=example&limit=5');
      const [renamed, suspended] = users.filter((u) => listed(u) && !u.isAdmin).slice(5, 7);
      const before = await getJson<Page<Person>>(`/api/people?q=${encodeURIComponent(suspended!.name.fullName)}&limit=100`);
      expect(before.items.map((p) => p.id)).toContain(suspended!.id);
      api.harness.emulator.directory.updateUser(renamed!.id, {
        name: { givenName: 'Zygmunt', familyName: 'Quackenbush', fullName: 'Zygmunt Quackenbush' },
      });
      api.harness.emulator.directory.suspendUser(suspended!.id);
      expect((await api.harness.sync()).status).toBe('succeeded');

      // Zygmunt first; after him the people he manages, found by their manager's new name.
      const found = (await getJson<Page<Person>>('/api/people?q=zyg%20quack')).items;
      expect(found[0]).toMatchObject({ id: renamed!.id, name: { fullName: 'Zygmunt Quackenbush' } });
      expect(found.slice(1).every((p) => users.find((u) => u.id === p.id)?.relations?.[0]?.value === renamed!.primaryEmail)).toBe(true);
      const after = await all<Person>(`/api/people?q=${encodeURIComponent(suspended!.name.fullName)}&limit=100`);
      expect(after.items.map((p) => p.id)).not.toContain(suspended!.id);
      expect((await api.get(`/api/people/${suspended!.id}`, member)).status).toBe(404);
      const stale = await api.get(`/api/people?q=example&limit=5&cursor=${encodeURIComponent(oldPage.nextCursor!)}`, member);
      expect(stale.status).toBe(400);
      expect(await stale.json()).toMatchObject({ error: { code: 'invalid_cursor' } });
    });
  });

  // Last: it ends every session, the shared member's and admin's too.
  describe('signing everyone out', () => {
    it("ends every session of every user as an admin asks (the admin's own too), and records who, when and how many", async () => {
      const people = users.filter((u) => listed(u)).slice(0, 6);
      const jars = await Promise.all(people.map((u) => api.sessionFor(u.primaryEmail)));
      for (const jar of jars) expect((await api.get('/api/me', jar)).status).toBe(200);
      const before = await auditEntries();
      const response = await api.post('/api/admin/sessions/revoke-all', admin, undefined);
      expect(response.status).toBe(200);
      const { revoked } = (await response.json()) as { revoked: number };
      expect(revoked).toBeGreaterThanOrEqual(jars.length + 2);
      for (const jar of [...jars, member, admin]) expect((await api.get('/api/me', jar)).status).toBe(401);
      const adminId = users.find((u) => u.isAdmin && !u.suspended)!.id;
      const added = (await auditEntries()).filter((e) => !before.some((b) => b.sk === e.sk));
      expect(added).toEqual([
        expect.objectContaining({ action: 'sessions.revoke-all', actor: adminId, revoked, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
      ]);
    });

    it('does the same from the CLI (npm run sessions -- --revoke-all), recorded as the operator', async () => {
      const jar = await api.sessionFor(users.find((u) => listed(u))!.primaryEmail);
      const run = await runCli('local/sessions-cli.ts', ['--revoke-all'], {
        RUNTIME_MODE: 'local',
        TABLE_NAME: api.app.deps.config.tableName,
        DYNAMODB_ENDPOINT: api.app.deps.config.dynamodbEndpoint!,
        SESSIONS_CLI_OPERATOR: 'ops-test',
      });
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ revoked: 1 });
      expect((await api.get('/api/me', jar)).status).toBe(401);
      expect((await auditEntries()).some((e) => e.actor === 'cli:ops-test' && e.revoked === 1)).toBe(true);
    });
  });
});
