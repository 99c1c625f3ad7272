import { describe, expect, it } from 'vitest';
import type { DirectoryGroup } from '../../../shared/domain/directory/model.js';
import { classifyMembers, transitiveMembers } from '../../../shared/domain/sync/closure.js';
import { toDirectoryUser } from '../../../shared/adapters/google/map.js';
import { checkGuard, planSync, recordHash, type StoredState } from '../../../shared/domain/sync/plan.js';
import { emptySnapshot, type Snapshot } from '../../../shared/domain/sync/snapshot.js';
import { makeUser } from '../../support/directory.js';

const group = (id: string): DirectoryGroup => ({ id, email: `${id}@example.com`, name: id, description: '', aliases: [] });
/** A user as admin_view lists it: what colleagues see joins from the public listing when the run plans. */
const user = (id: string) => makeUser({ id, primaryEmail: `${id}@example.com`, shared: undefined });

function snapshotOf(userIds: string[], members: Record<string, Array<{ id?: string; email?: string; type: string }>>): Snapshot {
  const s = emptySnapshot();
  s.domains = [];
  s.schemas = [];
  s.users = userIds.map(user);
  s.usersCursor = { done: true };
  s.groups = Object.keys(members).map(group);
  s.groupsCursor = { done: true };
  for (const [g, list] of Object.entries(members)) s.members.set(g, { members: list.map((m) => ({ ...m, role: 'MEMBER' })), done: true });
  return s;
}

const nothingStored: StoredState = { users: new Map(), groups: new Map() };

describe('planning', () => {
  it('makes one step per user and group that a changing list returned twice, from the copy fetched last', () => {
    const s = snapshotOf(['u1', 'u2'], { g1: [{ id: 'u1', type: 'USER' }] });
    s.users.push({ ...user('u1'), title: 'Renamed between pages' });
    s.groups.push({ ...group('g1'), name: 'g1 again' });
    const plan = planSync(s, nothingStored);
    expect(plan.userUpserts.map((u) => [u.user.id, u.user.title])).toEqual([
      ['u1', 'Renamed between pages'],
      ['u2', undefined],
    ]);
    expect(plan.groupUpserts.map((g) => g.group.name)).toEqual(['g1 again']);
    expect(plan.memberships).toHaveLength(1);
    expect(plan.counts).toMatchObject({ fetched: 3, created: 3 });
    expect(plan.fetchedUsers).toBe(2);
  });
});

describe('transitive membership', () => {
  it('resolves nested groups through a cycle, and CUSTOMER as every user', () => {
    const users = new Set(['u1', 'u2', 'u3', 'u4']);
    const groups = new Set(['a', 'b', 'c', 'all']);
    const classify = (list: Array<{ id?: string; email?: string; type: string }>) =>
      classifyMembers(
        list.map((m) => ({ ...m, role: 'MEMBER' })),
        users,
        groups,
      );
    const direct = new Map([
      [
        'a',
        classify([
          { id: 'u1', type: 'USER' },
          { id: 'b', type: 'GROUP' },
        ]),
      ],
      [
        'b',
        classify([
          { id: 'u2', type: 'USER' },
          { id: 'c', type: 'GROUP' },
        ]),
      ],
      [
        'c',
        classify([
          { id: 'u3', type: 'USER' },
          { id: 'a', type: 'GROUP' },
          { id: 'ext', email: 'x@partner.org', type: 'USER' },
        ]),
      ],
      ['all', classify([{ id: 'C01', type: 'CUSTOMER' }])],
    ]);
    const closure = transitiveMembers(direct, [...users]);
    // a → b → c → a: every group on the cycle holds all three users; only u1 is direct in a.
    expect(Object.fromEntries(closure.get('a')!)).toEqual({ u1: true, u2: false, u3: false });
    expect(Object.fromEntries(closure.get('c')!)).toEqual({ u3: true, u1: false, u2: false });
    expect([...closure.get('all')!.keys()].sort()).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(direct.get('c')!.map((m) => m.memberKey)).toEqual(['EXTERNAL#x@partner.org', 'GROUP#a', 'USER#u3']);
  });
});

describe('mapping a Google user', () => {
  it('keeps what the intranet needs, custom schemas included, with explicit defaults', () => {
    const mapped = toDirectoryUser({
      id: '42',
      primaryEmail: 'Grace@Example.com',
      aliases: ['g@example.com'],
      nonEditableAliases: ['grace@example.org'],
      name: { givenName: 'Grace', familyName: 'Hopper', fullName: 'Grace Hopper' },
      organizations: [{ title: 'Engineer', department: 'R&D', primary: true }],
      orgUnitPath: '/Eng',
      phones: [{ type: 'work', value: '+1 555' }],
      relations: [{ type: 'manager', value: 'Ada@example.com' }],
      locations: [{ type: 'desk', buildingId: 'HQ', floorName: '2' }],
      keywords: [{ type: 'occupation', value: 'compilers' }],
      customSchemas: { Employment: { costCenter: 'CC-7', skills: [{ value: 'COBOL' }] } },
      suspended: false,
      isAdmin: true,
      includeInGlobalAddressList: false,
      thumbnailPhotoUrl: 'https://photos/42',
      etag: '"e1"',
    });
    expect(mapped).toEqual({
      id: '42',
      primaryEmail: 'grace@example.com',
      aliases: ['g@example.com', 'grace@example.org'],
      name: { fullName: 'Grace Hopper', givenName: 'Grace', familyName: 'Hopper' },
      photoUrl: 'https://photos/42',
      title: 'Engineer',
      department: 'R&D',
      orgUnitPath: '/Eng',
      locations: [{ type: 'desk', buildingId: 'HQ', floorName: '2' }],
      phones: [{ type: 'work', value: '+1 555' }],
      managerEmail: 'ada@example.com',
      keywords: ['compilers'],
      customSchemas: { Employment: { costCenter: 'CC-7', skills: [{ value: 'COBOL' }] } },
      suspended: false,
      archived: false,
      isAdmin: true,
      visibleInDirectory: false,
      etag: '"e1"',
    });
  });
});

describe('planning', () => {
  it('plans everything on the first run and nothing when the stored state matches', () => {
    const snapshot = snapshotOf(['u1', 'u2'], { g: [{ id: 'u1', type: 'USER' }] });
    const first = planSync(snapshot, nothingStored);
    expect(first.counts).toEqual({ fetched: 3, created: 3, updated: 0, unchanged: 0, deleted: 0 });
    expect(first.memberships).toHaveLength(1);
    const stored: StoredState = {
      users: new Map(
        snapshot.users.map((u) => [
          u.id,
          { id: u.id, email: u.primaryEmail, hash: recordHash(u), emails: [u.primaryEmail], suspended: false, archived: false },
        ]),
      ),
      groups: new Map([
        [
          'g',
          {
            id: 'g',
            email: 'g@example.com',
            hash: recordHash(snapshot.groups[0]!),
            emails: [],
            memberHash: first.memberships[0]!.memberHash,
            transitiveHash: first.memberships[0]!.transitiveHash,
          },
        ],
      ]),
      domainsHash: first.domains!.hash,
      schemasHash: first.schemas!.hash,
    };
    const second = planSync(snapshot, stored);
    expect(second).toMatchObject({ userUpserts: [], groupUpserts: [], memberships: [], userTombstones: [], groupTombstones: [] });
    expect(second.domains).toBeUndefined();
    expect(second.counts).toEqual({ fetched: 3, created: 0, updated: 0, unchanged: 3, deleted: 0 });
  });

  it('ignores an etag-only change and ends sessions of newly suspended users', () => {
    const u = user('u1');
    const stored: StoredState = {
      users: new Map([
        [
          'u1',
          { id: 'u1', email: 'u1@example.com', hash: recordHash({ ...u, etag: '"old"' }), emails: [], suspended: false, archived: false },
        ],
      ]),
      groups: new Map(),
    };
    const etagOnly = snapshotOf([], {});
    etagOnly.users = [{ ...u, etag: '"new"' }];
    expect(planSync(etagOnly, stored).userUpserts).toEqual([]);
    etagOnly.users = [{ ...u, suspended: true }];
    expect(planSync(etagOnly, stored).userUpserts).toMatchObject([{ created: false, endSessions: true }]);
  });

  it('stores with each user only what the domain_public listing showed of them, and writes when that alone changes', () => {
    const snapshot = snapshotOf(['u1', 'hidden'], {});
    snapshot.users[0] = { ...snapshot.users[0]!, phones: [{ value: '+49 30 private' }], title: 'Engineer' };
    snapshot.publicProfiles = [{ id: 'u1', aliases: [], title: 'Engineer', locations: [], phones: [], keywords: [], customSchemas: {} }];
    const [seen, hidden] = planSync(snapshot, nothingStored).userUpserts.map((u) => u.user);
    expect(seen).toMatchObject({ phones: [{ value: '+49 30 private' }], shared: { title: 'Engineer', phones: [] } });
    expect(hidden!.shared).toBeUndefined();
    const stored: StoredState = {
      users: new Map([
        ['u1', { id: 'u1', email: 'u1@example.com', hash: recordHash(seen!), emails: [], suspended: false, archived: false }],
      ]),
      groups: new Map(),
    };
    snapshot.users = [snapshot.users[0]!];
    expect(planSync(snapshot, stored).userUpserts).toEqual([]);
    snapshot.publicProfiles = [{ ...snapshot.publicProfiles[0]!, phones: [{ value: '+49 30 private' }] }];
    expect(planSync(snapshot, stored).userUpserts.map((u) => u.user.shared?.phones)).toEqual([[{ value: '+49 30 private' }]]);
  });

  it('guards against zero users and mass deletion', () => {
    const storedUsers = new Map(
      Array.from({ length: 10 }, (_, i) => [
        `u${i}`,
        { id: `u${i}`, email: `u${i}@example.com`, emails: [], suspended: false, archived: false },
      ]),
    );
    const stored: StoredState = { users: storedUsers, groups: new Map() };
    expect(checkGuard(planSync(snapshotOf([], {}), stored), 0.1)).toMatchObject({ ok: false, reason: expect.stringMatching(/zero users/) });
    expect(checkGuard(planSync(snapshotOf(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8'], {}), stored), 0.1).ok).toBe(true);
    expect(checkGuard(planSync(snapshotOf(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'], {}), stored), 0.1)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/delete 2 of 10 users \(20%\)/),
    });
  });
});
