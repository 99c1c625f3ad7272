import { describe, expect, it } from 'vitest';
import type { DirectorySchema, DirectoryUser } from '../../../shared/domain/directory/model.js';
import { buildDirectoryIndex, DirectoryIndex, type IndexedGroup } from '../../../shared/domain/people/directory-index.js';
import { fold, words } from '../../../shared/domain/people/normalize.js';
import { makeUser } from '../../support/directory.js';

const person = (id: string, fullName: string, extra: Partial<DirectoryUser> = {}): DirectoryUser => {
  const [givenName = '', ...rest] = fullName.split(' ');
  return makeUser({
    id,
    primaryEmail: `${fold(fullName).replace(/[^a-z]+/g, '.')}@example.com`,
    name: { fullName, givenName, familyName: rest.join(' ') },
    ...extra,
  });
};

const schemas: DirectorySchema[] = [
  {
    schemaName: 'Employment',
    fields: [
      { fieldName: 'CostCenter', fieldType: 'STRING', multiValued: false, readAccessType: 'ADMINS_AND_SELF' },
      { fieldName: 'Pronouns', fieldType: 'STRING', multiValued: false, readAccessType: 'ALL_DOMAIN_USERS' },
      { fieldName: 'Hobbies', fieldType: 'STRING', multiValued: true, readAccessType: 'ALL_DOMAIN_USERS' },
      { fieldName: 'Internal', fieldType: 'STRING', multiValued: false, readAccessType: 'ALL_DOMAIN_USERS', indexed: false },
    ],
  },
];

const users: DirectoryUser[] = [
  person('1', 'José García', {
    title: 'Senior Engineer',
    department: 'Engineering',
    locations: [{ area: 'Montréal', buildingId: 'MTL-3' }],
    customSchemas: { Employment: { CostCenter: 'CC-777', Pronouns: 'he/him', Hobbies: [{ value: 'kayaking' }], Internal: 'zebra' } },
  }),
  person('2', 'Josefine Berg', {
    title: 'Designer',
    department: 'Design',
    managerEmail: 'jose.garcia@example.com',
    phones: [{ value: '+49 30 1234 567' }],
  }),
  person('3', 'Łukasz Weiß', { title: 'Manager', department: 'Sales', aliases: ['lukas@example.org'], keywords: ['first-aider'] }),
  person('4', 'Anna Kowal', { title: 'Engineer', primaryEmail: 'jose@example.com' } as Partial<DirectoryUser>),
  person('5', 'Hidden Jose', { visibleInDirectory: false }),
  person('6', 'Suspended Jose', { suspended: true }),
  person('7', 'Deleted Jose', { deletedAt: '2026-01-01T00:00:00Z' }),
  person('8', 'Archived Jose', { archived: true }),
  person('9', 'Bruno Silva', { title: 'Engineer', managerEmail: 'jose.garcia@example.com', locations: [{ area: 'Kraków' }] }),
  person('10', 'Jose', { title: 'Intern' }),
];
const groups: IndexedGroup[] = [
  {
    id: 'g1',
    email: 'engineering@example.com',
    name: 'Engineering',
    description: 'Builders',
    aliases: ['eng@example.com'],
    directMembersCount: 3,
  },
  { id: 'g2', email: 'team-nova@example.com', name: 'Team Nova', description: 'Engineering project', aliases: [], directMembersCount: 2 },
  { id: 'g3', email: 'gone@example.com', name: 'Gone', description: '', aliases: [], deletedAt: '2026-01-01T00:00:00Z' },
];

const built = buildDirectoryIndex({ users, groups, schemas }, new Date('2026-11-28T00:00:00Z'));
const index = DirectoryIndex.fromData(built.version, built.data);
const ids = (query: string) => index.searchPeople(query).map((p) => index.person(p).id);

describe('text folding', () => {
  it('strips accents, folds letters NFD leaves alone, and lower-cases', () => {
    expect(fold('José Łukasz Weiß Øvergaard Yılmaz Ó Briain')).toBe('jose lukasz weiss overgaard yilmaz o briain');
    expect(words('ada.lovelace+x@Example.COM')).toEqual(['ada', 'lovelace', 'x', 'example', 'com']);
  });
});

describe('people search', () => {
  it('is accent- and case-insensitive both ways', () => {
    // José himself, then the people he manages (found by their manager's name), by name.
    expect(ids('jose garcia')).toEqual(['1', '9', '2']);
    expect(ids('JOSÉ GARCÍA')).toEqual(['1', '9', '2']);
    expect(ids('lukasz weiss')).toEqual(['3']);
    expect(ids('Łukasz')).toEqual(['3']);
  });

  it('matches every word by prefix, and every word must match', () => {
    expect(ids('jos')).toEqual(expect.arrayContaining(['1', '2', '4', '10']));
    expect(ids('jos gar')).toEqual(['1', '9', '2']);
    expect(ids('jos berg')).toEqual(['2']);
    expect(ids('jos nobody')).toEqual([]);
  });

  it('ranks the exact name first, then name prefixes, then email, then other fields, by name within a tier', () => {
    // "Jose" exactly (10) > name prefix: José García, Josefine Berg (by name) > email only: Anna Kowal (jose@) > manager's name: Bruno Silva
    expect(ids('jose')).toEqual(['10', '1', '2', '4', '9']);
  });

  it('finds by title, department, city, building, phone, alias, keyword, manager and searchable custom fields', () => {
    expect(ids('senior engineer')).toEqual(['1']);
    expect(ids('design')).toEqual(['2']);
    expect(ids('montreal')).toEqual(['1']);
    expect(ids('krakow')).toEqual(['9']);
    expect(ids('mtl')).toEqual(['1']);
    expect(ids('4930123')).toEqual(['2']);
    expect(ids('1234 567')).toEqual(['2']);
    expect(ids('lukas@example.org')).toEqual(['3']);
    expect(ids('first aider')).toEqual(['3']);
    expect(ids('kayak')).toEqual(['1']);
    expect(ids('he him')).toEqual(['1']);
  });

  it('never searches admin-only or non-indexed custom fields', () => {
    expect(ids('CC-777')).toEqual([]);
    expect(ids('zebra')).toEqual([]);
  });

  it('never lists hidden, suspended, archived or deleted users, nor finds them by id', () => {
    for (const q of ['hidden', 'suspended', 'deleted', 'archived']) expect(ids(q)).toEqual([]);
    for (const id of ['5', '6', '7', '8']) expect(index.personById(id)).toBeUndefined();
    expect(built.people).toBe(6);
  });

  it('gives summaries, managers and direct reports without reads', () => {
    expect(index.personById('1')).toEqual({
      id: '1',
      primaryEmail: 'jose.garcia@example.com',
      name: { fullName: 'José García', givenName: 'José', familyName: 'García' },
      title: 'Senior Engineer',
      department: 'Engineering',
      location: 'Montréal',
    });
    expect(index.managerOf('2')?.id).toBe('1');
    expect(index.directReportsOf('1').map((p) => p.id)).toEqual(
      ['9', '2'].sort((a, b) => index.personById(a)!.name.fullName.localeCompare(index.personById(b)!.name.fullName)),
    );
  });

  it('answers nothing for a query without words', () => {
    expect(ids('  ,.;  ')).toEqual([]);
  });
});

describe('why it matched', () => {
  const why = (q: string, id: string) =>
    index.whyMatched(
      index.searchPeople(q).find((p) => index.person(p).id === id)!,
      q,
    );

  it('says nothing for a match on the name, and names the field and value otherwise', () => {
    expect(why('jose garcia', '1')).toBeUndefined();
    expect(why('jose garcia', '9')).toEqual({ field: 'manager', value: 'José García' });
    expect(why('jose', '4')).toEqual({ field: 'email', value: 'jose@example.com' });
    expect(why('lukas', '3')).toBeUndefined(); // "Łukasz" is the name
    expect(why('lukas example org', '3')).toEqual({ field: 'alias', value: 'org' });
    expect(why('designer', '2')).toEqual({ field: 'title', value: 'Designer' });
    expect(why('sales', '3')).toEqual({ field: 'department', value: 'Sales' });
    expect(why('mtl', '1')).toEqual({ field: 'location', value: 'mtl' });
    expect(why('montreal', '1')).toEqual({ field: 'location', value: 'Montréal' });
    expect(why('kayak', '1')).toEqual({ field: 'custom', value: 'kayaking' });
    expect(why('first aider', '3')).toEqual({ field: 'keyword', value: 'first' });
    expect(why('4930', '2')).toEqual({ field: 'phone', value: '49301234567' });
  });

  it('names the weakest field when words match several', () => {
    expect(why('bruno jose', '9')).toEqual({ field: 'manager', value: 'José García' });
    // "design" is a prefix of her title (Designer) and her department (Design): the title ranks first.
    expect(why('josefine design', '2')).toEqual({ field: 'title', value: 'Designer' });
  });
});

describe('filters and facets', () => {
  const found = (q: string | undefined, filter: Parameters<typeof index.findPeople>[1]) =>
    index.findPeople(q, filter).positions.map((p) => index.person(p).id);

  it('narrows by department, location, title and manager, alone or with words, in any case or accents', () => {
    expect(found(undefined, { title: 'engineer' })).toEqual(['4', '9']);
    expect(found(undefined, { title: 'Engineer', location: 'krakow' })).toEqual(['9']);
    expect(found('engineer', { location: 'MONTRÉAL' })).toEqual(['1']);
    expect(found(undefined, { managerId: '1' })).toEqual(['9', '2']);
    expect(found('design', { managerId: '1' })).toEqual(['2']);
    expect(found('jose', { department: 'Engineering' })).toEqual(['1']);
  });

  it('gives nothing for a value nobody has or an unknown or hidden manager', () => {
    expect(found(undefined, { department: 'Astronauts' })).toEqual([]);
    expect(found(undefined, { managerId: '5' })).toEqual([]);
    expect(found('jose', { title: 'Engin' })).toEqual([]);
  });

  it('counts each facet value over the whole result, the most common first', () => {
    expect(index.findPeople('jose', {}).facets).toEqual({
      // José García (Engineering), Josefine Berg (Design), Anna Kowal and Bruno Silva (no department), Jose (none)
      department: [
        { value: 'Design', count: 1 },
        { value: 'Engineering', count: 1 },
      ],
      location: [
        { value: 'Kraków', count: 1 },
        { value: 'Montréal', count: 1 },
      ],
      title: [
        { value: 'Designer', count: 1 },
        { value: 'Engineer', count: 2 },
        { value: 'Intern', count: 1 },
        { value: 'Senior Engineer', count: 1 },
      ].sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)),
    });
    expect(index.findPeople(undefined, { title: 'engineer' }).facets.title).toEqual([{ value: 'Engineer', count: 2 }]);
  });
});

describe('org chart', () => {
  const chart = (extra: DirectoryUser[]) => {
    const b = buildDirectoryIndex({ users: [...users, ...extra], groups, schemas });
    return DirectoryIndex.fromData(b.version, b.data);
  };

  it('walks the manager chain to the top, nearest manager first, with names', () => {
    const org = chart([person('20', 'Vera Lind', { managerEmail: 'bruno.silva@example.com' })]);
    expect(org.managerChain('20')).toEqual({
      people: [
        { id: '9', name: 'Bruno Silva' },
        { id: '1', name: 'José García' },
      ],
      end: 'top',
    });
    expect(org.managerChain('1')).toEqual({ people: [], end: 'top' });
  });

  it('stops a chain that loops, before naming anyone twice', () => {
    const org = chart([
      person('21', 'Ada Ring', { managerEmail: 'bo.ring@example.com' }),
      person('22', 'Bo Ring', { managerEmail: 'cy.ring@example.com' }),
      person('23', 'Cy Ring', { managerEmail: 'ada.ring@example.com' }),
      person('24', 'Self Managed', { managerEmail: 'self.managed@example.com' }),
    ]);
    expect(org.managerChain('21')).toEqual({
      people: [
        { id: '22', name: 'Bo Ring' },
        { id: '23', name: 'Cy Ring' },
      ],
      end: 'cycle',
    });
    expect(org.managerChain('24')).toEqual({ people: [], end: 'cycle' });
    expect(org.directReportsOf('24').map((p) => p.id)).toEqual(['24']);
  });

  it('says when the chain reaches a manager the directory does not list (hidden, gone, or mistyped)', () => {
    const org = chart([
      person('25', 'Under Hidden', { managerEmail: 'hidden.jose@example.com' }),
      person('26', 'Under Nobody', { managerEmail: 'nobody@example.com' }),
      person('27', 'Two Up', { managerEmail: 'under.nobody@example.com' }),
    ]);
    expect(org.managerChain('25')).toEqual({ people: [], end: 'manager-not-listed' });
    expect(org.managerChain('27')).toEqual({ people: [{ id: '26', name: 'Under Nobody' }], end: 'manager-not-listed' });
    expect(org.managerOf('25')).toBeUndefined();
    // A hidden manager's reports do not reveal them: nobody lists them as a report of anyone.
    expect(org.reportCount('5')).toBe(0);
  });

  it('pages direct reports by name, each with their own report count', () => {
    const org = chart([person('20', 'Vera Lind', { managerEmail: 'bruno.silva@example.com' })]);
    expect(Array.from(org.reportsOf('1'), (p) => org.orgPerson(p)).map((p) => [p.id, p.reportCount])).toEqual([
      ['9', 1],
      ['2', 0],
    ]);
    expect(org.reportCount('1')).toBe(2);
    expect(org.reportsOf('unknown')).toHaveLength(0);
  });
});

describe('group search', () => {
  it('ranks by name before email and description, and leaves deleted groups out', () => {
    expect(index.searchGroups('engineering').map((g) => index.group(g).id)).toEqual(['g1', 'g2']);
    expect(index.searchGroups('eng').map((g) => index.group(g).id)).toEqual(['g1', 'g2']);
    expect(index.searchGroups('gone')).toEqual([]);
    expect(index.groupById('g1')).toEqual({
      id: 'g1',
      email: 'engineering@example.com',
      name: 'Engineering',
      description: 'Builders',
      directMembersCount: 3,
    });
  });
});

describe('index build', () => {
  it('is content-addressed: the same directory gives the same version whatever the time', () => {
    expect(buildDirectoryIndex({ users, groups, schemas }, new Date('2030-01-01T00:00:00Z')).version).toBe(built.version);
    expect(buildDirectoryIndex({ users: users.slice(1), groups, schemas }).version).not.toBe(built.version);
  });
});
