import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GaxiosError } from 'gaxios';
import { admin_directory_v1 } from '@googleapis/admin';
import type { Emulator } from '../../local/emulator/emulator.js';
import { DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { directoryClient, SCOPE_INSUFFICIENT_INFO, startTestEmulator, googleFailure as failure } from '../support/emulator.js';

let emulator: Emulator;
let directory: admin_directory_v1.Admin;

beforeAll(async () => {
  emulator = await startTestEmulator();
  directory = await directoryClient(emulator);
});
afterAll(() => emulator.stop());

async function listAllUsers(params: admin_directory_v1.Params$Resource$Users$List) {
  const users: admin_directory_v1.Schema$User[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const { data } = await directory.users.list({ ...params, pageToken });
    users.push(...(data.users ?? []));
    pageToken = data.nextPageToken ?? undefined;
    pages++;
  } while (pageToken);
  return { users, pages };
}

describe("Directory API through Google's own clients (@googleapis/admin + delegated JWT)", () => {
  it('pages through every live user of the tenant, 500 at a time', async () => {
    const { users, pages } = await listAllUsers({ customer: 'my_customer', maxResults: 500 });
    const live = emulator.directory.users.filter((u) => !u.deletionTime);
    expect(pages).toBe(2);
    expect(users).toHaveLength(live.length);
    expect(new Set(users.map((u) => u.id)).size).toBe(live.length);
    expect(users.every((u) => /^\d{21}$/.test(u.id!))).toBe(true);
    const emails = users.map((u) => u.primaryEmail!);
    expect(emails).toEqual([...emails].sort());
    expect(emails.some((e) => e.endsWith('@example.org'))).toBe(true);
    expect(users.some((u) => u.includeInGlobalAddressList === false)).toBe(true);
    expect(users.some((u) => u.suspended)).toBe(true);
  });

  it('restricts to one domain with domain=', async () => {
    const { users } = await listAllUsers({ domain: 'example.org', maxResults: 100 });
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.primaryEmail!.endsWith('@example.org'))).toBe(true);
  });

  it('returns custom schemas only with projection custom or full', async () => {
    const basic = await directory.users.get({ userKey: 'ada@example.com' });
    expect(basic.data.customSchemas).toBeUndefined();
    expect(basic.data.name?.fullName).toBe('Ada Lovelace');
    expect(basic.data.isAdmin).toBe(true);
    const custom = await directory.users.get({ userKey: 'ada@example.com', projection: 'custom', customFieldMask: 'Employment' });
    expect(custom.data.customSchemas?.Employment).toMatchObject({ EmployeeNumber: 'E000001' });
    const full = await directory.users.list({ customer: 'my_customer', projection: 'full', maxResults: 5 });
    expect(full.data.users?.every((u) => u.customSchemas?.Employment)).toBe(true);
  });

  it("applies the fields mask, and drops nextPageToken when the mask omits it (Google's paging trap)", async () => {
    const masked = await directory.users.list({ customer: 'my_customer', maxResults: 10, fields: 'nextPageToken,users(id,name/fullName)' });
    expect(masked.data.nextPageToken).toBeTruthy();
    expect(Object.keys(masked.data)).toEqual(['users', 'nextPageToken']);
    expect(Object.keys(masked.data.users![0]!)).toEqual(['id', 'name']);
    expect(Object.keys(masked.data.users![0]!.name!)).toEqual(['fullName']);
    const trap = await directory.users.list({ customer: 'my_customer', maxResults: 10, fields: 'users(id)' });
    expect(trap.data.nextPageToken).toBeUndefined();
  });

  it('filters with query, orders with orderBy, and hides hidden users in domain_public', async () => {
    const ada = await directory.users.list({ customer: 'my_customer', query: 'email:ada*' });
    expect(ada.data.users?.map((u) => u.primaryEmail)).toContain('ada@example.com');
    const admins = await directory.users.list({ customer: 'my_customer', query: 'isAdmin=true' });
    expect(admins.data.users?.map((u) => u.primaryEmail)).toEqual(['ada@example.com']);
    const engineers = await directory.users.list({ customer: 'my_customer', query: "orgDepartment='Engineering'", maxResults: 500 });
    expect(engineers.data.users!.length).toBeGreaterThan(10);
    expect(engineers.data.users!.every((u) => (u.organizations as Array<{ department: string }>)[0]!.department === 'Engineering')).toBe(
      true,
    );
    const byFamily = await directory.users.list({
      customer: 'my_customer',
      orderBy: 'familyName',
      sortOrder: 'DESCENDING',
      maxResults: 50,
    });
    const families = byFamily.data.users!.map((u) => u.name!.familyName!.toLowerCase());
    expect(families).toEqual([...families].sort().reverse());
    const { users: publicView } = await listAllUsers({
      domain: 'example.com',
      viewType: 'domain_public',
      projection: 'full',
      maxResults: 500,
    });
    expect(publicView.every((u) => u.suspended === undefined && u.isAdmin === undefined)).toBe(true);
    const hidden = emulator.directory.users.find(
      (u) => !u.includeInGlobalAddressList && !u.deletionTime && u.primaryEmail.endsWith('@example.com'),
    )!;
    expect(publicView.map((u) => u.id)).not.toContain(hidden.id);
    expect(publicView.every((u) => (u.customSchemas?.Employment as Record<string, unknown> | undefined)?.CostCenter === undefined)).toBe(
      true,
    );
  });

  it("shows colleagues' contact fields in domain_public only as each domain's sharing settings allow, listed by domain", async () => {
    const primary = await listAllUsers({ domain: 'example.com', viewType: 'domain_public', maxResults: 500 });
    expect(primary.users.some((u) => u.phones && u.locations)).toBe(true);
    const secondary = await listAllUsers({ domain: 'example.org', viewType: 'domain_public', maxResults: 500 });
    expect(secondary.users.length).toBeGreaterThan(0);
    expect(secondary.users.every((u) => u.phones === undefined && u.locations === undefined && u.organizations)).toBe(true);
    const colleague = secondary.users[0]!;
    const { data: one } = await directory.users.get({ userKey: colleague.id!, viewType: 'domain_public' });
    expect(one.phones).toBeUndefined();
    const { data: asAdmin } = await directory.users.get({ userKey: colleague.id! });
    expect(asAdmin.phones).toBeDefined();
    const customerWide = await directory.users.list({ customer: 'my_customer', viewType: 'domain_public' }).catch((e: GaxiosError) => e);
    expect((customerWide as GaxiosError).response?.status).toBe(400);
  });

  it('lists deleted users only with showDeleted', async () => {
    const { users } = await listAllUsers({ customer: 'my_customer', showDeleted: 'true', maxResults: 500 });
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((u) => u.deletionTime)).toBe(true);
  });

  it('pages through all groups (200 a page) and all members of a big group', async () => {
    const groups: admin_directory_v1.Schema$Group[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await directory.groups.list({ customer: 'my_customer', pageToken });
      expect(data.kind).toBe('admin#directory#groups');
      groups.push(...(data.groups ?? []));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(groups).toHaveLength(250);
    const members: admin_directory_v1.Schema$Member[] = [];
    do {
      const { data } = await directory.members.list({ groupKey: 'all-staff@example.com', pageToken });
      expect(data.members!.length).toBeLessThanOrEqual(200);
      members.push(...data.members!);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(members.length).toBe(emulator.directory.users.filter((u) => !u.deletionTime).length);
    expect(members.some((m) => m.status === 'SUSPENDED')).toBe(true);
  });

  it('shows nesting, the cycle, external and CUSTOMER members; derived membership ends on the cycle', async () => {
    const everyone = await directory.members.list({ groupKey: 'everyone@example.com' });
    expect(everyone.data.members?.find((m) => m.type === 'CUSTOMER')?.id).toBe(emulator.directory.customerId);
    const engineering = await directory.members.list({ groupKey: 'engineering@example.com', roles: 'MEMBER' });
    expect(engineering.data.members?.some((m) => m.type === 'GROUP')).toBe(true);
    const direct = (await directory.members.list({ groupKey: 'engineering@example.com' })).data.members!;
    const derived = (await directory.members.list({ groupKey: 'engineering@example.com', includeDerivedMembership: true })).data.members!;
    expect(derived.length).toBeGreaterThan(direct.length);
    const [a, b] = emulator.directory.groups.filter((g) => /^team-(delta-5|ember-6)@/.test(g.email));
    expect(
      emulator.directory.members(a!.id).some((m) => m.id === b!.id) && emulator.directory.members(b!.id).some((m) => m.id === a!.id),
    ).toBe(true);
    const cyclic = await directory.members.list({ groupKey: a!.email, includeDerivedMembership: true });
    expect(cyclic.data.members!.length).toBeGreaterThan(0);
    const external = emulator.directory.groups
      .flatMap((g) => emulator.directory.members(g.id))
      .find((m) => m.email?.endsWith('@partner.example.net'));
    expect(external).toBeDefined();
    const nestedUser = emulator.directory
      .members(emulator.directory.group('team-beacon-3@example.com')!.id)
      .find((m) => m.type === 'USER')!;
    const has = await directory.members.hasMember({ groupKey: 'engineering@example.com', memberKey: nestedUser.email! });
    expect(has.data.isMember).toBe(true);
  });

  it('lists the groups of a user (userKey), domains and schemas', async () => {
    const groups = await directory.groups.list({ userKey: 'ada@example.com' });
    expect(groups.data.groups?.map((g) => g.email)).toEqual(expect.arrayContaining(['everyone@example.com', 'all-staff@example.com']));
    const domains = await directory.domains.list({ customer: 'my_customer' });
    expect(domains.data.domains?.map((d) => [d.domainName, d.isPrimary])).toEqual([
      ['example.com', true],
      ['example.org', false],
    ]);
    const schemas = await directory.schemas.list({ customerId: 'my_customer' });
    expect(schemas.data.schemas?.[0]?.fields?.map((f) => f.fieldName)).toEqual(['EmployeeNumber', 'CostCenter', 'Pronouns']);
  });

  it("answers Google's errors: bad arguments, unknown keys, missing scope", async () => {
    const tooMany = await failure(directory.users.list({ customer: 'my_customer', maxResults: 501 }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.message).toBe("Invalid value '501'. Values must be within the range: [1, 500]");
    const neither = await failure(directory.users.list({}));
    expect(neither.status).toBe(400);
    const missing = await failure(directory.users.get({ userKey: 'nobody@example.com' }));
    expect(missing.status).toBe(404);
    expect((missing.response?.data as { error: { errors: Array<{ reason: string }> } }).error.errors[0]!.reason).toBe('notFound');
    const usersOnly = await directoryClient(emulator, { scopes: [DIRECTORY_SCOPES.userReadonly] });
    const scopeError = await failure(usersOnly.groups.list({ customer: 'my_customer' }));
    expect(scopeError.status).toBe(403);
    expect(scopeError.response?.data).toEqual({
      error: {
        code: 403,
        message: 'Request had insufficient authentication scopes.',
        errors: [{ message: 'Request had insufficient authentication scopes.', domain: 'global', reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        // What Google's client libraries and gcloud branch on; `errors[]` is the legacy form.
        details: [SCOPE_INSUFFICIENT_INFO],
      },
    });
  });

  it('sees mutations made through emulator.directory', async () => {
    const added = emulator.directory.addUser({
      primaryEmail: 'new.hire@example.com',
      name: { givenName: 'Nía', familyName: 'Hire', fullName: 'Nía Hire' },
    });
    expect((await directory.users.get({ userKey: added.id })).data.primaryEmail).toBe('new.hire@example.com');
    emulator.directory.addMember('team-alpha-1@example.com', added.primaryEmail, 'MANAGER');
    expect((await directory.members.hasMember({ groupKey: 'team-alpha-1@example.com', memberKey: added.id })).data.isMember).toBe(true);
    emulator.directory.suspendUser(added.id);
    expect((await directory.users.get({ userKey: added.id })).data.suspended).toBe(true);
    emulator.directory.deleteUser(added.id);
    expect((await failure(directory.users.get({ userKey: added.id }))).status).toBe(404);
    expect(
      (await directory.members.hasMember({ groupKey: 'team-alpha-1@example.com', memberKey: 'new.hire@example.com' })).data.isMember,
    ).toBe(false);
    const group = emulator.directory.addGroup({ email: 'pop-up@example.com', name: 'Pop-up' });
    emulator.directory.addMember(group.email, 'ada@example.com', 'OWNER');
    expect((await directory.groups.get({ groupKey: group.id })).data).toMatchObject({
      email: 'pop-up@example.com',
      directMembersCount: '1',
    });
    emulator.directory.removeMember(group.email, 'ada@example.com');
    expect((await directory.members.list({ groupKey: group.id })).data.members).toBeUndefined();
    emulator.directory.deleteGroup(group.email);
    expect((await failure(directory.groups.get({ groupKey: group.id }))).status).toBe(404);
  });

  it("keeps its place when the tenant changes between two pages, as Google's page tokens do", async () => {
    const first = (await directory.users.list({ customer: 'my_customer', maxResults: 100 })).data;
    const boundary = first.users!.at(-1)!.primaryEmail!;
    // A user of the first page leaves before the second is asked for: an offset would skip a user.
    emulator.directory.deleteUser(first.users!.find((u) => !u.isAdmin)!.id!);
    const second = (await directory.users.list({ customer: 'my_customer', maxResults: 100, pageToken: first.nextPageToken! })).data;
    const live = emulator.directory
      .usersInEmailOrder()
      .filter((u) => !u.deletionTime)
      .map((u) => u.primaryEmail);
    expect(second.users!.map((u) => u.primaryEmail)).toEqual(live.slice(live.indexOf(boundary) + 1, live.indexOf(boundary) + 101));

    // The same for a group's members, and in descending order.
    const members = (await directory.members.list({ groupKey: 'all-staff@example.com', maxResults: 50 })).data;
    emulator.directory.removeMember('all-staff@example.com', members.members![0]!.id!);
    const next = (await directory.members.list({ groupKey: 'all-staff@example.com', maxResults: 50, pageToken: members.nextPageToken! }))
      .data;
    expect(next.members![0]!.id! > members.members!.at(-1)!.id!).toBe(true);
    const remaining = emulator.directory
      .members(emulator.directory.group('all-staff@example.com')!.id)
      .map((m) => m.id)
      .sort();
    expect(next.members![0]!.id).toBe(remaining[remaining.indexOf(members.members!.at(-1)!.id!) + 1]);

    const groups = (await directory.groups.list({ customer: 'my_customer', maxResults: 10, sortOrder: 'DESCENDING' })).data;
    emulator.directory.deleteGroup(groups.groups![0]!.id!);
    const after = (
      await directory.groups.list({ customer: 'my_customer', maxResults: 10, sortOrder: 'DESCENDING', pageToken: groups.nextPageToken! })
    ).data;
    const emails = emulator.directory.groups
      .map((g) => g.email)
      .sort()
      .reverse();
    expect(after.groups![0]!.email).toBe(emails[emails.indexOf(groups.groups!.at(-1)!.email!) + 1]);
  });
});
