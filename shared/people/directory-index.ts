import { createHash } from 'node:crypto';
import { accountBlock, type DirectoryGroup, type DirectorySchema, type DirectoryUser } from '../directory/model.js';
import { words } from './normalize.js';
import { CorruptIndexError, pack, unpack } from './pack.js';
import { buildTokenIndex, compareCodeUnits, EMAIL, loadTokenIndex, matchAll, NAME, OTHER, type DocumentWords, type StoredTokenIndex, type TokenIndex } from './token-index.js';

/** A person as search results, member lists and profiles show them. */
export interface PersonSummary {
  readonly id: string;
  readonly primaryEmail: string;
  readonly name: { readonly fullName: string; readonly givenName: string; readonly familyName: string };
  readonly title?: string;
  readonly department?: string;
  readonly photoUrl?: string;
  /** The first location's area (the city, for most tenants). */
  readonly location?: string;
}

export interface GroupSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly description: string;
  readonly directMembersCount: number;
}

/** A synced group with the count sync stores beside it. */
export type IndexedGroup = DirectoryGroup & { readonly directMembersCount?: number };

/** [id, email, fullName, givenName, familyName, title, department, photoUrl, location, manager (person index or -1)] */
type PersonRecord = [string, string, string, string, string, string, string, string, string, number];
/** [id, email, name, description, directMembersCount] */
type GroupRecord = [string, string, string, string, number];

interface Header {
  readonly format: 1;
  readonly builtAt: string;
  readonly people: { readonly records: PersonRecord[]; readonly tokens: string[]; readonly nameKeys: string[] };
  readonly groups: { readonly records: GroupRecord[]; readonly tokens: string[]; readonly nameKeys: string[] };
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
  return user.visibleInDirectory && accountBlock(user) === undefined && user.provisional !== true;
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
      [NAME, [user.name.fullName, user.name.givenName, user.name.familyName].flatMap(words)],
      [EMAIL, [user.primaryEmail, ...user.aliases].flatMap(words)],
      [OTHER, other.flatMap(words)],
    ];
  });
  const groups = input.groups.filter((g) => !g.deletedAt)
    .map((group) => ({ group, key: nameKey(group.name) }))
    .sort((a, b) => compareCodeUnits(a.key, b.key) || compareCodeUnits(a.group.email, b.group.email));
  const groupWords: DocumentWords[] = groups.map(({ group }) => [
    [NAME, words(group.name)],
    [EMAIL, [group.email, ...group.aliases].flatMap(words)],
    [OTHER, words(group.description)],
  ]);

  const peopleIndex = buildTokenIndex(personWords);
  const groupIndex = buildTokenIndex(groupWords);
  const header: Header = {
    format: 1,
    builtAt: now.toISOString(),
    people: {
      records: people.map(({ user }, i) => [
        user.id, user.primaryEmail, user.name.fullName, user.name.givenName, user.name.familyName, user.title ?? '', user.department ?? '',
        user.photoUrl ?? '', user.locations.find((l) => l.area)?.area ?? '', managerOf[i]!,
      ]),
      tokens: [...peopleIndex.tokens],
      nameKeys: people.map((p) => p.key),
    },
    groups: {
      records: groups.map(({ group }) => [group.id, group.email, group.name, group.description, group.directMembersCount ?? 0]),
      tokens: [...groupIndex.tokens],
      nameKeys: groups.map((g) => g.key),
    },
  };
  // The version hashes content only (not builtAt), so rebuilding an unchanged directory is a no-op.
  const arrays = [peopleIndex.entryOffsets, peopleIndex.entries, groupIndex.entryOffsets, groupIndex.entries];
  const hash = createHash('sha256').update(JSON.stringify({ ...header, builtAt: undefined }));
  for (const array of arrays) hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  const version = hash.digest('base64url').slice(0, 16);
  const data = pack(header, arrays);
  return { version, data, people: people.length, groups: groups.length };
}

/** The loaded index a warm API function keeps: search, and summaries by id without a read. */
export class DirectoryIndex {
  private readonly people: TokenIndex;
  private readonly groupIndex: TokenIndex;
  private readonly personPositions: Map<string, number>;
  private readonly groupPositions: Map<string, number>;
  private reports: number[][] | undefined;

  constructor(readonly version: string, private readonly header: Header, arrays: Uint32Array[]) {
    const [pOffsets, pEntries, gOffsets, gEntries] = arrays;
    if (!pOffsets || !pEntries || !gOffsets || !gEntries || pOffsets.length !== header.people.records.length + 1 || gOffsets.length !== header.groups.records.length + 1) {
      throw new CorruptIndexError('The search index arrays do not match its records.');
    }
    this.people = loadTokenIndex({ tokens: header.people.tokens, entryOffsets: pOffsets, entries: pEntries } satisfies StoredTokenIndex);
    this.groupIndex = loadTokenIndex({ tokens: header.groups.tokens, entryOffsets: gOffsets, entries: gEntries });
    this.personPositions = new Map(header.people.records.map((r, i) => [r[0], i]));
    this.groupPositions = new Map(header.groups.records.map((r, i) => [r[0], i]));
  }

  static fromData(version: string, data: Uint8Array): DirectoryIndex {
    const { header, arrays } = unpack(data);
    if ((header as Header | undefined)?.format !== 1) throw new CorruptIndexError('Unknown search index format.');
    return new DirectoryIndex(version, header as Header, arrays);
  }

  get builtAt(): string {
    return this.header.builtAt;
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
    return matchAll(this.people, q, { isExactName: (d) => this.header.people.nameKeys[d] === exact });
  }

  searchGroups(query: string): number[] {
    const q = words(query);
    const exact = q.join(' ');
    return matchAll(this.groupIndex, q, { isExactName: (d) => this.header.groups.nameKeys[d] === exact });
  }

  person(position: number): PersonSummary {
    const [id, primaryEmail, fullName, givenName, familyName, title, department, photoUrl, location] = this.header.people.records[position]!;
    return {
      id, primaryEmail, name: { fullName, givenName, familyName },
      ...(title ? { title } : {}), ...(department ? { department } : {}), ...(photoUrl ? { photoUrl } : {}), ...(location ? { location } : {}),
    };
  }

  /** A listed person by id; undefined for hidden, suspended, deleted or unknown users. */
  personById(id: string): PersonSummary | undefined {
    const position = this.personPositions.get(id);
    return position === undefined ? undefined : this.person(position);
  }

  managerOf(id: string): PersonSummary | undefined {
    const position = this.personPositions.get(id);
    const manager = position === undefined ? -1 : this.header.people.records[position]![9];
    return manager >= 0 ? this.person(manager) : undefined;
  }

  directReportsOf(id: string): PersonSummary[] {
    const position = this.personPositions.get(id);
    if (position === undefined) return [];
    if (!this.reports) {
      const reports: number[][] = this.header.people.records.map(() => []);
      this.header.people.records.forEach((r, i) => { if (r[9] >= 0) reports[r[9]]!.push(i); });
      this.reports = reports;
    }
    return this.reports[position]!.map((p) => this.person(p));
  }

  group(position: number): GroupSummary {
    const [id, email, name, description, directMembersCount] = this.header.groups.records[position]!;
    return { id, email, name, description, directMembersCount };
  }

  groupById(id: string): GroupSummary | undefined {
    const position = this.groupPositions.get(id);
    return position === undefined ? undefined : this.group(position);
  }
}
