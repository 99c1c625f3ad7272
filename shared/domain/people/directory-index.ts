import { createHash } from 'node:crypto';
import type { GroupSummary, PersonSummary } from '../../contract/api.js';
import { accountBlock, type DirectoryGroup, type DirectorySchema, type DirectoryUser } from '../directory/model.js';
import { words } from './normalize.js';
import { CorruptIndexError, pack, unpack } from './pack.js';
import { buildTokenIndex, compareCodeUnits, EMAIL, loadTokenIndex, matchAll, NAME, OTHER, type DocumentWords, type StoredTokenIndex, type TokenIndex } from './token-index.js';

/** A person and a group as search results, member lists and profiles show them: the wire contract's shapes. */
export type { GroupSummary, PersonSummary };

/** A synced group with the count sync stores beside it. */
export type IndexedGroup = DirectoryGroup & { readonly directMembersCount?: number };

const NO_MANAGER = 0xffffffff;

/** The stored form, column by column (see pack.ts): strings as lists, numbers as arrays. */
interface Columns {
  readonly meta: { readonly builtAt: string };
  readonly people: {
    readonly ids: string[]; readonly emails: string[]; readonly fullNames: string[]; readonly givenNames: string[]; readonly familyNames: string[];
    readonly titles: string[]; readonly departments: string[]; readonly locations: string[];
    /** Photo URLs without `photoPrefix` (their common prefix: most of a Google photo URL). */
    readonly photoUrls: string[]; readonly photoPrefix: string;
    /** Position of the person's manager, or NO_MANAGER. */
    readonly managers: Uint32Array;
    readonly index: StoredTokenIndex;
  };
  readonly groups: {
    readonly ids: string[]; readonly emails: string[]; readonly names: string[]; readonly descriptions: string[];
    readonly memberCounts: Uint32Array;
    readonly index: StoredTokenIndex;
  };
}

const FORMAT = 'directory-index/4';

function toPacked(c: Columns): Buffer {
  const p = c.people;
  const g = c.groups;
  return pack(
    [[FORMAT, c.meta.builtAt, p.photoPrefix], p.ids, p.emails, p.fullNames, p.givenNames, p.familyNames, p.titles, p.departments, p.photoUrls, p.locations, [...p.index.tokens],
      g.ids, g.emails, g.names, g.descriptions, [...g.index.tokens]],
    [p.managers, p.index.entryOffsets, p.index.entries, g.memberCounts, g.index.entryOffsets, g.index.entries],
  );
}

function fromPacked(data: Uint8Array): Columns {
  const { lists, arrays } = unpack(data);
  const [meta, ids, emails, fullNames, givenNames, familyNames, titles, departments, photoUrls, locations, tokens, gIds, gEmails, gNames, gDescriptions, gTokens] = lists;
  const [managers, pOffsets, pEntries, memberCounts, gOffsets, gEntries] = arrays;
  if (meta?.[0] !== FORMAT || !gTokens || !gEntries) throw new CorruptIndexError('Unknown search index format.');
  const n = ids!.length;
  const m = gIds!.length;
  const sized = [emails, fullNames, givenNames, familyNames, titles, departments, photoUrls, locations].every((l) => l!.length === n) && managers!.length === n && pOffsets!.length === n + 1
    && [gEmails, gNames, gDescriptions].every((l) => l!.length === m) && memberCounts!.length === m && gOffsets!.length === m + 1;
  if (!sized) throw new CorruptIndexError('The search index columns do not have the same length.');
  return {
    meta: { builtAt: meta[1] ?? '' },
    people: {
      ids: ids!, emails: emails!, fullNames: fullNames!, givenNames: givenNames!, familyNames: familyNames!, titles: titles!, departments: departments!,
      photoUrls: photoUrls!, photoPrefix: meta[2] ?? '', locations: locations!, managers: managers!, index: { tokens: tokens!, entryOffsets: pOffsets!, entries: pEntries! },
    },
    groups: {
      ids: gIds!, emails: gEmails!, names: gNames!, descriptions: gDescriptions!, memberCounts: memberCounts!,
      index: { tokens: gTokens, entryOffsets: gOffsets!, entries: gEntries },
    },
  };
}

export interface BuiltIndex {
  /** Content hash: the same directory gives the same version, so an unchanged rebuild publishes nothing. */
  readonly version: string;
  readonly data: Buffer;
  readonly people: number;
  readonly groups: number;
}

export interface DirectoryInput {
  readonly users: readonly DirectoryUser[];
  readonly groups: readonly IndexedGroup[];
  readonly schemas: readonly DirectorySchema[];
}

/** Whether people search may show the user at all: never suspended, archived, deleted or hidden from the directory. */
export function isListed(user: DirectoryUser): boolean {
  return user.visibleInDirectory && accountBlock(user) === undefined;
}

/**
 * Custom schema fields people search covers: those every user of the domain may read
 * (`ALL_DOMAIN_USERS`; admin-only fields would leak through search) and that Google marks
 * `indexed` (its default).
 */
export function searchableFields(schemas: readonly DirectorySchema[]): Array<readonly [string, string]> {
  return schemas.flatMap((s) => s.fields.filter((f) => f.readAccessType === 'ALL_DOMAIN_USERS' && f.indexed !== false).map((f) => [s.schemaName, f.fieldName] as const));
}

function customValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => customValues(typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v));
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? [String(value)] : [];
}

const nameKey = (text: string) => words(text).join(' ');

/**
 * Whether a name, folded, is exactly the folded query. Folding changes a name's length by at most
 * a few characters (combining marks dropped, ß → ss), so most names are ruled out by length
 * without folding them: this runs for every name-tier match of a query.
 */
function isExact(name: string, foldedQuery: string): boolean {
  return Math.abs(name.length - foldedQuery.length) <= 3 && nameKey(name) === foldedQuery;
}

function commonPrefix(values: readonly string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values) {
    let i = 0;
    while (i < prefix.length && i < value.length && prefix.charCodeAt(i) === value.charCodeAt(i)) i++;
    prefix = prefix.slice(0, i);
    if (prefix === '') break;
  }
  return prefix;
}

/** Builds the index sync publishes: listed people and live groups, each sorted by name, with their search words. */
export function buildDirectoryIndex(input: DirectoryInput, now = new Date()): BuiltIndex {
  const people = input.users.filter(isListed)
    .map((user) => ({ user, key: nameKey(user.name.fullName) }))
    .sort((a, b) => compareCodeUnits(a.key, b.key) || compareCodeUnits(a.user.primaryEmail, b.user.primaryEmail));
  const byEmail = new Map<string, number>();
  people.forEach(({ user }, i) => { for (const e of [user.primaryEmail, ...user.aliases]) byEmail.set(e.toLowerCase(), i); });
  const fields = searchableFields(input.schemas);
  const managerOf = people.map(({ user }) => (user.managerEmail ? byEmail.get(user.managerEmail.toLowerCase()) ?? -1 : -1));

  const personWords: DocumentWords[] = people.map(({ user }, i) => {
    const manager = managerOf[i]! >= 0 ? people[managerOf[i]!]!.user.name.fullName : '';
    const other = [
      user.title, user.department, manager, ...user.keywords,
      ...user.locations.flatMap((l) => [l.area, l.buildingId, l.floorName, l.deskCode]),
      ...user.phones.flatMap((p) => [p.value, p.value.replace(/\D/g, '')]),
      ...fields.flatMap(([schema, field]) => customValues(user.customSchemas[schema]?.[field])),
    ].filter((t): t is string => typeof t === 'string' && t !== '');
    return [
      // One fold per class (not per field): the build's cost is mostly Unicode normalisation.
      [NAME, words(`${user.name.fullName} ${user.name.givenName} ${user.name.familyName}`)],
      [EMAIL, words([user.primaryEmail, ...user.aliases].join(' '))],
      [OTHER, words(other.join(' '))],
    ];
  });
  const groups = input.groups.filter((g) => !g.deletedAt)
    .map((group) => ({ group, key: nameKey(group.name) }))
    .sort((a, b) => compareCodeUnits(a.key, b.key) || compareCodeUnits(a.group.email, b.group.email));
  const groupWords: DocumentWords[] = groups.map(({ group }) => [
    [NAME, words(group.name)],
    [EMAIL, words([group.email, ...group.aliases].join(' '))],
    [OTHER, words(group.description)],
  ]);

  const photoPrefix = commonPrefix(people.flatMap((p) => (p.user.photoUrl ? [p.user.photoUrl] : [])));
  const columns: Columns = {
    meta: { builtAt: now.toISOString() },
    people: {
      ids: people.map((p) => p.user.id), emails: people.map((p) => p.user.primaryEmail),
      fullNames: people.map((p) => p.user.name.fullName), givenNames: people.map((p) => p.user.name.givenName), familyNames: people.map((p) => p.user.name.familyName),
      titles: people.map((p) => p.user.title ?? ''), departments: people.map((p) => p.user.department ?? ''),
      photoUrls: people.map((p) => p.user.photoUrl?.slice(photoPrefix.length) ?? ''), photoPrefix,
      locations: people.map((p) => p.user.locations.find((l) => l.area)?.area ?? ''),
      managers: Uint32Array.from(managerOf, (m) => (m < 0 ? NO_MANAGER : m)),
      index: buildTokenIndex(personWords),
    },
    groups: {
      ids: groups.map((g) => g.group.id), emails: groups.map((g) => g.group.email), names: groups.map((g) => g.group.name),
      descriptions: groups.map((g) => g.group.description),
      memberCounts: Uint32Array.from(groups, (g) => g.group.directMembersCount ?? 0),
      index: buildTokenIndex(groupWords),
    },
  };
  const data = toPacked(columns);
  // The version hashes content only (not builtAt), so rebuilding an unchanged directory is a no-op.
  const version = createHash('sha256').update(toPacked({ ...columns, meta: { builtAt: '' } })).digest('base64url').slice(0, 16);
  return { version, data, people: people.length, groups: groups.length };
}

/** The loaded index a warm API function keeps: search, and summaries by id without a read. */
export class DirectoryIndex {
  private readonly people: TokenIndex;
  private readonly groupIndex: TokenIndex;
  private readonly personPositions: Map<string, number>;
  private readonly groupPositions: Map<string, number>;
  private reports: number[][] | undefined;

  private constructor(readonly version: string, private readonly columns: Columns) {
    this.people = loadTokenIndex(columns.people.index);
    this.groupIndex = loadTokenIndex(columns.groups.index);
    this.personPositions = new Map(columns.people.ids.map((id, i) => [id, i]));
    this.groupPositions = new Map(columns.groups.ids.map((id, i) => [id, i]));
  }

  static fromData(version: string, data: Uint8Array): DirectoryIndex {
    return new DirectoryIndex(version, fromPacked(data));
  }

  get builtAt(): string {
    return this.columns.meta.builtAt;
  }

  get peopleCount(): number {
    return this.people.size;
  }

  get groupCount(): number {
    return this.groupIndex.size;
  }

  /** Ranked positions of the people matching every word of `query` (see matchAll). */
  searchPeople(query: string): number[] {
    const q = words(query);
    const exact = q.join(' ');
    return matchAll(this.people, q, { isExactName: (d) => isExact(this.columns.people.fullNames[d]!, exact) });
  }

  searchGroups(query: string): number[] {
    const q = words(query);
    const exact = q.join(' ');
    return matchAll(this.groupIndex, q, { isExactName: (d) => isExact(this.columns.groups.names[d]!, exact) });
  }

  person(position: number): PersonSummary {
    const p = this.columns.people;
    const optional = (key: string, value: string) => (value ? { [key]: value } : {});
    return {
      id: p.ids[position]!, primaryEmail: p.emails[position]!,
      name: { fullName: p.fullNames[position]!, givenName: p.givenNames[position]!, familyName: p.familyNames[position]! },
      ...optional('title', p.titles[position]!), ...optional('department', p.departments[position]!),
      ...optional('photoUrl', p.photoUrls[position] ? `${p.photoPrefix}${p.photoUrls[position]}` : ''), ...optional('location', p.locations[position]!),
    };
  }

  /** A listed person by id; undefined for hidden, suspended, deleted or unknown users. */
  personById(id: string): PersonSummary | undefined {
    const position = this.personPositions.get(id);
    return position === undefined ? undefined : this.person(position);
  }

  managerOf(id: string): PersonSummary | undefined {
    const position = this.personPositions.get(id);
    const manager = position === undefined ? NO_MANAGER : this.columns.people.managers[position]!;
    return manager === NO_MANAGER ? undefined : this.person(manager);
  }

  directReportsOf(id: string): PersonSummary[] {
    const position = this.personPositions.get(id);
    if (position === undefined) return [];
    if (!this.reports) {
      const reports: number[][] = this.columns.people.ids.map(() => []);
      this.columns.people.managers.forEach((m, i) => { if (m !== NO_MANAGER) reports[m]!.push(i); });
      this.reports = reports;
    }
    return this.reports[position]!.map((p) => this.person(p));
  }

  group(position: number): GroupSummary {
    const g = this.columns.groups;
    return { id: g.ids[position]!, email: g.emails[position]!, name: g.names[position]!, description: g.descriptions[position]!, directMembersCount: g.memberCounts[position]! };
  }

  groupById(id: string): GroupSummary | undefined {
    const position = this.groupPositions.get(id);
    return position === undefined ? undefined : this.group(position);
  }
}
