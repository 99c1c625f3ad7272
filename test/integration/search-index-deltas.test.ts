import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { batchWriteAll } from '../../shared/adapters/dynamodb/batch.js';
import { readIndexHead, takeDeltaSeq, writeIndexDeltas } from '../../shared/adapters/dynamodb/people-index-deltas.js';
import {
  DELTA_BOUND,
  readPointer,
  rebuildSearchIndex,
  refreshSearchIndex,
  SearchIndexCache,
} from '../../shared/adapters/dynamodb/people-index-store.js';
import { KEYS, prefixQuery } from '../../shared/adapters/dynamodb/table-definition.js';
import type { DirectoryGroup, DirectoryUser } from '../../shared/domain/directory/model.js';
import { personRecord, type DirectoryIndex } from '../../shared/domain/people/directory-index.js';
import { noIndexChanges, publishIndexChanges } from '../../shared/services/sync/index-deltas.js';
import { numberedUser, putSyncedUser } from '../support/directory.js';
import { freshTable, failingOnce, type TestTable } from '../support/dynamodb.js';

const user = (n: number, extra: Partial<DirectoryUser> = {}) => numberedUser(n, { department: n % 2 ? 'Sales' : 'Research', ...extra });
const group = (n: number, name: string): DirectoryGroup => ({
  id: `g${n}`,
  email: `group${n}@example.com`,
  name,
  description: '',
  aliases: [],
});

describe('push deltas over the published people index', () => {
  let table: TestTable;
  const storeGroup = (g: DirectoryGroup, members: number) =>
    table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...KEYS.group(g.id), group: g, directMembersCount: members, gsi1pk: KEYS.groups.partition, gsi1sk: g.email },
      }),
    );
  /** What the worker does after a batch: the changed ids' records, read back from the table, as deltas. */
  const publish = (users: DirectoryUser[], groups: DirectoryGroup[] = []) => {
    const changes = noIndexChanges();
    for (const u of users) changes.users.add(u.id);
    for (const g of groups) changes.groups.add(g.id);
    return publishIndexChanges(table.db, table.tableName, changes);
  };
  const fresh = async () => (await new SearchIndexCache(table.db, table.tableName, 0).current())!;
  const names = (index: DirectoryIndex, query?: string, filter = {}) =>
    index.findPeople(query, filter).positions.map((p) => index.person(p).name.fullName);

  beforeEach(async () => {
    table = await freshTable();
    await putSyncedUser(table, user(1, { name: { fullName: 'Maria Boss', givenName: 'Maria', familyName: 'Boss' } }));
    for (const n of [2, 3, 4]) await putSyncedUser(table, user(n, { managerEmail: 'person1@example.com' }));
    await storeGroup(group(1, 'Alpha'), 2);
    await storeGroup(group(2, 'Beta'), 5);
    await rebuildSearchIndex(table.db, table.tableName);
  });

  it('shows a new hire, a rename, a suspension, a deletion and group changes through search, facets, profiles, the org chart and groups', async () => {
    const base = await fresh();
    const hire = user(5, { name: { fullName: 'Neu Hire', givenName: 'Neu', familyName: 'Hire' }, managerEmail: 'person1@example.com' });
    const renamed = user(2, {
      name: { fullName: 'Renata Renamed', givenName: 'Renata', familyName: 'Renamed' },
      managerEmail: 'person1@example.com',
    });
    const suspended = user(3, { suspended: true, managerEmail: 'person1@example.com' });
    for (const u of [hire, renamed, suspended]) await putSyncedUser(table, u);
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...KEYS.user(user(4).id), user: { ...user(4), deletedAt: '2026-12-07T00:00:00Z' } },
      }),
    );
    await storeGroup({ ...group(1, 'Alpha Renamed') }, 3);
    await storeGroup({ ...group(2, 'Beta'), deletedAt: '2026-12-07T00:00:00Z' }, 0);
    await storeGroup(group(3, 'Gamma'), 1);
    await publish([hire, renamed, suspended, user(4)], [group(1, ''), group(2, ''), group(3, '')]);

    const index = await fresh();
    expect(index.version).not.toBe(base.version);
    expect(index.version.startsWith(`${base.version}+`)).toBe(true);
    expect(names(index)).toEqual(['Maria Boss', 'Neu Hire', 'Renata Renamed']);
    expect(names(index, 'neu')).toEqual(['Neu Hire']);
    expect(names(index, 'person 2')).toEqual([]);
    expect(names(index, 'renamed')).toEqual(['Renata Renamed']);
    // Facets count the overlaid people: 1 and 5 are in Sales, 2 in Research; 3 and 4 are gone.
    expect(index.findPeople(undefined, {}).facets.department).toEqual([
      { value: 'Sales', count: 2 },
      { value: 'Research', count: 1 },
    ]);
    expect(index.personById(user(3).id)).toBeUndefined();
    expect(index.personById(user(4).id)).toBeUndefined();
    expect(index.managerOf(hire.id)?.name.fullName).toBe('Maria Boss');
    expect(index.directReportsOf(user(1).id).map((p) => p.name.fullName)).toEqual(['Neu Hire', 'Renata Renamed']);
    expect(index.reportCount(user(1).id)).toBe(2);
    // The reports' manager field still names the manager (found by the manager's name).
    expect(names(index, 'maria')).toEqual(['Maria Boss', 'Neu Hire', 'Renata Renamed']);
    expect(Array.from({ length: index.groupCount }, (_, i) => index.group(i))).toEqual([
      { id: 'g1', email: 'group1@example.com', name: 'Alpha Renamed', description: '', directMembersCount: 3 },
      { id: 'g3', email: 'group3@example.com', name: 'Gamma', description: '', directMembersCount: 1 },
    ]);
    expect(index.groupById('g2')).toBeUndefined();

    // The manager renamed: reports find them by the new name, and no longer by the old one.
    await putSyncedUser(table, user(1, { name: { fullName: 'Maria Chief', givenName: 'Maria', familyName: 'Chief' } }));
    await publish([user(1)]);
    const again = await fresh();
    expect(names(again, 'chief')).toEqual(['Maria Chief', 'Neu Hire', 'Renata Renamed']);
    expect(names(again, 'boss')).toEqual([]);
    expect(again.managerChain(renamed.id)).toEqual({ people: [{ id: user(1).id, name: 'Maria Chief' }], end: 'top' });
  });

  it('the full sync folds the deltas into a new build, and a later build deletes the deltas the one before folded in', async () => {
    await putSyncedUser(table, user(5, { name: { fullName: 'Neu Hire', givenName: 'Neu', familyName: 'Hire' } }));
    await publish([user(5)]);
    const overlaid = await fresh();
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined(); // under the bound: no rebuild
    const compacted = await refreshSearchIndex(table.db, table.tableName, { foldDeltas: true });
    expect(compacted).toMatchObject({ published: true, people: 5 });
    const head = await readIndexHead(table.db, table.tableName);
    expect(await readPointer(table.db, table.tableName)).toMatchObject({ baseSeq: head.deltaSeq, version: compacted!.version });
    const after = await fresh();
    expect(after.version).toBe(compacted!.version);
    expect(names(after)).toEqual(names(overlaid));
    // Nothing pending now: the full sync has nothing to fold.
    expect(await refreshSearchIndex(table.db, table.tableName, { foldDeltas: true })).toBeUndefined();

    const deltas = async () =>
      (await table.db.send(new QueryCommand({ TableName: table.tableName, ...prefixQuery(KEYS.searchIndexDeltas) }))).Items ?? [];
    expect(await deltas()).toHaveLength(1); // kept while a reader may still be on the build before
    await putSyncedUser(table, user(6));
    await publish([user(6)]);
    await refreshSearchIndex(table.db, table.tableName, { foldDeltas: true });
    expect((await deltas()).map((d) => d.sk)).toEqual([KEYS.searchIndexDelta('person', user(6).id).sk]);
    expect(names(await fresh())).toHaveLength(6);
  });

  it('the worker compacts once the pending deltas pass the bound, one worker at a time', async () => {
    const many = Array.from({ length: DELTA_BOUND + 1 }, (_, i) => user(100 + i));
    // Stored in batches (as sync's apply does), for speed: the profile item is all the index reads.
    await batchWriteAll(
      table.db,
      table.tableName,
      many.map((u) => ({ PutRequest: { Item: { ...KEYS.user(u.id), user: u, gsi1pk: KEYS.users.partition, gsi1sk: u.primaryEmail } } })),
    );
    await publish(many);
    const [first, second] = await Promise.all([
      refreshSearchIndex(table.db, table.tableName),
      refreshSearchIndex(table.db, table.tableName),
    ]);
    // One took the compaction lease and rebuilt; the other found it taken and left it.
    expect([first, second].filter((r) => r !== undefined)).toHaveLength(1);
    expect((first ?? second)!.people).toBe(4 + many.length);
    expect(await refreshSearchIndex(table.db, table.tableName)).toBeUndefined();
  });

  it('concurrent worker batches do not lose each other’s deltas', async () => {
    const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 5 }, (_, i) => user(200 + b * 5 + i)));
    for (const u of batches.flat()) await putSyncedUser(table, u);
    await Promise.all(batches.map((b) => publish(b)));
    const index = await fresh();
    expect(index.peopleCount).toBe(4 + 40);
    for (const u of batches.flat()) expect(index.personById(u.id)?.name.fullName).toBe(u.name.fullName);
    expect((await readIndexHead(table.db, table.tableName)).deltaItems).toBe(40);
  });

  it('a reader never sees a broken index while deltas are written and folded in', async () => {
    const cache = new SearchIndexCache(table.db, table.tableName, 0);
    const seen: DirectoryIndex[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) seen.push((await cache.current())!);
    })();
    for (let round = 0; round < 12; round++) {
      const renamed = user(2 + (round % 3), { name: { fullName: `Round ${round}`, givenName: 'Round', familyName: String(round) } });
      await putSyncedUser(table, renamed);
      await publish([renamed]);
      if (round % 4 === 3) await refreshSearchIndex(table.db, table.tableName, { foldDeltas: true });
    }
    writing = false;
    await reader;
    expect(seen.length).toBeGreaterThan(5);
    for (const index of seen) {
      // Every state is whole: the same four people, each found by id and by their own name.
      expect(index.peopleCount).toBe(4);
      for (const n of [1, 2, 3, 4]) {
        const person = index.personById(user(n).id)!;
        expect(names(index, person.name.fullName)).toContain(person.name.fullName);
      }
    }
    expect(names(await fresh(), 'round').sort()).toEqual(['Round 10', 'Round 11', 'Round 9']);
  });

  it('a delta that cannot be written marks the index stale, so the next refresh rebuilds it whole', async () => {
    await putSyncedUser(table, user(5));
    const failing = failingOnce(table.db, (command) => command.constructor.name === 'PutCommand');
    const changes = noIndexChanges();
    changes.users.add(user(5).id);
    await expect(publishIndexChanges(failing.db, table.tableName, changes)).rejects.toThrow(/Injected/);
    expect((await readIndexHead(table.db, table.tableName)).stale).toBe(true);
    expect(await refreshSearchIndex(table.db, table.tableName)).toMatchObject({ published: true, people: 5 });
  });

  it('keeps the newer of two deltas for one person when the older batch writes last', async () => {
    const older = await takeDeltaSeq(table.db, table.tableName);
    const newer = await takeDeltaSeq(table.db, table.tableName);
    const renamed = { ...user(7), name: { ...user(7).name, fullName: 'Newer Name', familyName: 'Name', givenName: 'Newer' } };
    await writeIndexDeltas(table.db, table.tableName, newer, {
      people: new Map([[user(7).id, personRecord(renamed, [])!]]),
      groups: new Map(),
    });
    await writeIndexDeltas(table.db, table.tableName, older, { people: new Map([[user(7).id, null]]), groups: new Map() });
    expect((await fresh()).personById(user(7).id)?.name.fullName).toBe('Newer Name');
  });

  it('writes the record a person has in the index, and null for one no longer listed', async () => {
    await writeIndexDeltas(table.db, table.tableName, await takeDeltaSeq(table.db, table.tableName), {
      people: new Map([
        [user(7).id, personRecord(user(7), [])!],
        [user(2).id, null],
      ]),
      groups: new Map(),
    });
    const index = await fresh();
    expect(index.personById(user(7).id)?.name.fullName).toBe('Person 7');
    expect(index.personById(user(2).id)).toBeUndefined();
  });
});
