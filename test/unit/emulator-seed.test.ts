import { describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, EXTERNAL_DOMAIN, generateDirectory } from '../../local/emulator/seed/directory.js';
import { PersonalDataset } from '../../local/emulator/seed/personal.js';

const demo = generateDirectory({ seed: 'workspace-bridge', users: 200, groups: 30 });

describe('emulator seed', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateDirectory({ seed: 'workspace-bridge', users: 200, groups: 30 });
    expect(JSON.stringify(again.users)).toBe(JSON.stringify(demo.users));
    expect(JSON.stringify([...again.members])).toBe(JSON.stringify([...demo.members]));
    const other = generateDirectory({ seed: 'other', users: 200, groups: 30 });
    expect(other.users[1]!.id).not.toBe(demo.users[1]!.id);
  });

  it('has the admin, both domains, unique 21-digit ids and emails, non-ASCII names', () => {
    expect(demo.users[0]).toMatchObject({ primaryEmail: ADMIN_EMAIL, isAdmin: true, name: { fullName: 'Ada Lovelace' } });
    expect(demo.domains.map((d) => d.domainName)).toEqual(['example.com', 'example.org']);
    expect(new Set(demo.users.map((u) => u.id)).size).toBe(200);
    expect(new Set(demo.users.map((u) => u.primaryEmail)).size).toBe(200);
    expect(demo.users.every((u) => /^\d{21}$/.test(u.id) && /^[a-z0-9.]+@example\.(com|org)$/.test(u.primaryEmail))).toBe(true);
    expect(demo.users.some((u) => /[^ -~]/.test(u.name.fullName))).toBe(true);
    expect(demo.users.some((u) => u.primaryEmail.endsWith('@example.org'))).toBe(true);
  });

  it('has the states and fields sync must handle', () => {
    const count = (predicate: (u: (typeof demo.users)[number]) => boolean) => demo.users.filter(predicate).length;
    expect(count((u) => u.suspended)).toBeGreaterThan(0);
    expect(count((u) => u.archived)).toBeGreaterThan(0);
    expect(count((u) => !u.includeInGlobalAddressList)).toBeGreaterThan(0);
    expect(count((u) => u.deletionTime !== undefined)).toBeGreaterThan(0);
    expect(count((u) => (u.aliases?.length ?? 0) > 0)).toBeGreaterThan(0);
    expect(count((u) => u.relations?.[0]?.type === 'manager')).toBe(199);
    expect(demo.users[1]).toMatchObject({
      organizations: [{ title: expect.any(String), department: expect.any(String) }],
      phones: [{ type: 'work' }],
      locations: [{ type: 'desk' }],
    });
    expect(demo.users[1]!.customSchemas?.Employment).toMatchObject({ EmployeeNumber: 'E000002' });
  });

  it('nests groups several levels deep, with one cycle, external and CUSTOMER members', () => {
    const byId = new Map(demo.groups.map((g) => [g.id, g]));
    const children = (id: string) => (demo.members.get(id) ?? []).filter((m) => m.type === 'GROUP').map((m) => m.id);
    const depth = (id: string, seen: Set<string>): number =>
      Math.max(
        0,
        ...children(id)
          .filter((c) => !seen.has(c))
          .map((c) => 1 + depth(c, new Set([...seen, c]))),
      );
    const engineering = demo.groups.find((g) => g.email === 'engineering@example.com')!;
    expect(depth(engineering.id, new Set([engineering.id]))).toBeGreaterThanOrEqual(4);
    const cycles = demo.groups.filter((g) => children(g.id).some((c) => children(c).includes(g.id)));
    expect(cycles).toHaveLength(2);
    const all = [...demo.members.values()].flat();
    expect(all.filter((m) => m.type === 'CUSTOMER').map((m) => m.id)).toEqual([demo.customerId]);
    expect(all.some((m) => m.email?.endsWith(`@${EXTERNAL_DOMAIN}`))).toBe(true);
    expect(demo.groups).toHaveLength(30);
    expect(demo.groups.every((g) => byId.get(g.id) === g && g.directMembersCount === String(demo.members.get(g.id)!.length))).toBe(true);
  });

  it('generates per-user mail, files and events lazily and deterministically', () => {
    const colleagues = () => demo.users;
    const day = Date.UTC(2026, 0, 5);
    const a = new PersonalDataset('s', colleagues, () => day).for(demo.users[3]!);
    const b = new PersonalDataset('s', colleagues, () => day).for(demo.users[3]!);
    expect(b).toEqual(a);
    expect(a.messages.length).toBeGreaterThanOrEqual(15);
    expect(a.messages.some((m) => m.labelIds.includes('UNREAD'))).toBe(true);
    expect(a.files.length).toBeGreaterThanOrEqual(10);
    expect(a.events.every((e) => e.end > e.start)).toBe(true);
    expect(new PersonalDataset('s', colleagues, () => day).for(demo.users[4]!)).not.toEqual(a);
  });
});
