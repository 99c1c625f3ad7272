import { createHash } from 'node:crypto';
import type {
  FacetCount,
  GroupSummary,
  ManagerChain,
  MatchReason,
  OrgPerson,
  PeopleFacets,
  PersonRef,
  PersonSummary,
} from '../../contract/api.js';
import { accountBlock, sharedProfileOf, type DirectoryGroup, type DirectorySchema, type DirectoryUser } from '../directory/model.js';
import { words, wordsOfEach } from './normalize.js';
import { CorruptIndexError, pack, unpack } from './pack.js';
import {
  buildTokenIndex,
  compareCodeUnits,
  EMAIL,
  field,
  loadTokenIndex,
  matchAll,
  patchTokenIndex,
  NAME,
  OTHER,
  weakestMatch,
  type DocumentWords,
  type PatchedDocument,
  type StoredTokenIndex,
  type TokenIndex,
} from './token-index.js';

/** A person and a group as search results, member lists and profiles show them: the wire contract's shapes. */
export type { GroupSummary, PersonSummary };

/** A synced group with the count sync stores beside it. */
export type IndexedGroup = DirectoryGroup & { readonly directMembersCount?: number };

/** A column of few distinct values: `values` sorted, '' first (no value), and each person's value's position in it. */
interface CodedColumn {
  readonly values: string[];
  readonly codes: Uint32Array;
}

/** The facets people search narrows by, and the summary field each shows. */
export const FACETS = ['department', 'location', 'title'] as const;
export type FacetName = (typeof FACETS)[number];

/** How many values of each facet an answer lists (the most common first): enough to choose from, small to send. */
export const FACET_VALUES = 50;

/** What people search narrows by: a facet's value (as facets list it, any case or accents) and a manager's id. */
export type PeopleFilter = Partial<Record<FacetName, string>> & { readonly managerId?: string };

/** Each field of a person the search covers, as the token index codes it: its class ranks, the detail names it. */
const PERSON_FIELDS = {
  name: field(NAME),
  email: field(EMAIL, 0),
  alias: field(EMAIL, 1),
  title: field(OTHER, 0),
  department: field(OTHER, 1),
  manager: field(OTHER, 2),
  location: field(OTHER, 3),
  phone: field(OTHER, 4),
  keyword: field(OTHER, 5),
  custom: field(OTHER, 6),
} as const;
const FIELD_NAMES = new Map(Object.entries(PERSON_FIELDS).map(([name, code]) => [code, name as keyof typeof PERSON_FIELDS]));

const NO_MANAGER = 0xffffffff;
/** The person names a manager (Google's `relations`) who is not a listed person: left, hidden, or a typo. */
const MANAGER_NOT_LISTED = 0xfffffffe;

/** The stored form, column by column (see pack.ts): strings as lists, numbers as arrays. */
interface Columns {
  readonly meta: { readonly builtAt: string };
  readonly people: {
    readonly ids: string[];
    readonly emails: string[];
    readonly fullNames: string[];
    readonly givenNames: string[];
    readonly familyNames: string[];
    /** The facets, dictionary-coded: few distinct values, one number per person (cheap to load, count and filter). */
    readonly titles: CodedColumn;
    readonly departments: CodedColumn;
    readonly locations: CodedColumn;
    /** Photo URLs without `photoPrefix` (their common prefix: most of a Google photo URL). */
    readonly photoUrls: string[];
    readonly photoPrefix: string;
    /** Position of the person's manager, NO_MANAGER or MANAGER_NOT_LISTED. */
    readonly managers: Uint32Array;
    /**
     * Manager → direct reports, built with the index (no scan per request): person p's reports are
     * `reports[reportOffsets[p]] … reports[reportOffsets[p + 1] - 1]`, by name.
     */
    readonly reportOffsets: Uint32Array;
    readonly reports: Uint32Array;
    readonly index: StoredTokenIndex;
  };
  readonly groups: {
    readonly ids: string[];
    readonly emails: string[];
    readonly names: string[];
    readonly descriptions: string[];
    readonly memberCounts: Uint32Array;
    readonly index: StoredTokenIndex;
  };
}

/** The stored layout's name: a reader refuses any other, and sync rebuilds an index stored in another (see refreshSearchIndex). */
export const DIRECTORY_INDEX_FORMAT = 'directory-index/5';
const FORMAT = DIRECTORY_INDEX_FORMAT;

function toPacked(c: Columns): Buffer {
  const p = c.people;
  const g = c.groups;
  return pack(
    [
      [FORMAT, c.meta.builtAt, p.photoPrefix],
      p.ids,
      p.emails,
      p.fullNames,
      p.givenNames,
      p.familyNames,
      p.titles.values,
      p.departments.values,
      p.photoUrls,
      p.locations.values,
      [...p.index.tokens],
      g.ids,
      g.emails,
      g.names,
      g.descriptions,
      [...g.index.tokens],
    ],
    [
      p.titles.codes,
      p.departments.codes,
      p.locations.codes,
      p.managers,
      p.reportOffsets,
      p.reports,
      p.index.entryOffsets,
      p.index.entries,
      g.memberCounts,
      g.index.entryOffsets,
      g.index.entries,
    ],
  );
}

function fromPacked(data: Uint8Array): Columns {
  const { lists, arrays } = unpack(data);
  const [
    meta,
    ids,
    emails,
    fullNames,
    givenNames,
    familyNames,
    titles,
    departments,
    photoUrls,
    locations,
    tokens,
    gIds,
    gEmails,
    gNames,
    gDescriptions,
    gTokens,
  ] = lists;
  const [
    titleCodes,
    departmentCodes,
    locationCodes,
    managers,
    reportOffsets,
    reports,
    pOffsets,
    pEntries,
    memberCounts,
    gOffsets,
    gEntries,
  ] = arrays;
  if (meta?.[0] !== FORMAT || !gTokens || !gEntries) throw new CorruptIndexError('Unknown search index format.');
  const n = ids!.length;
  const m = gIds!.length;
  const coded = (values: string[] | undefined, codes: Uint32Array | undefined) =>
    codes!.length === n && codes!.every((c) => c < values!.length);
  const sized =
    [emails, fullNames, givenNames, familyNames, photoUrls].every((l) => l!.length === n) &&
    coded(titles, titleCodes) &&
    coded(departments, departmentCodes) &&
    coded(locations, locationCodes) &&
    managers!.length === n &&
    reportOffsets!.length === n + 1 &&
    reportOffsets![n] === reports!.length &&
    pOffsets!.length === n + 1 &&
    [gEmails, gNames, gDescriptions].every((l) => l!.length === m) &&
    memberCounts!.length === m &&
    gOffsets!.length === m + 1;
  if (!sized) throw new CorruptIndexError('The search index columns do not have the same length.');
  return {
    meta: { builtAt: meta[1] ?? '' },
    people: {
      ids: ids!,
      emails: emails!,
      fullNames: fullNames!,
      givenNames: givenNames!,
      familyNames: familyNames!,
      titles: { values: titles!, codes: titleCodes! },
      departments: { values: departments!, codes: departmentCodes! },
      photoUrls: photoUrls!,
      photoPrefix: meta[2] ?? '',
      locations: { values: locations!, codes: locationCodes! },
      managers: managers!,
      reportOffsets: reportOffsets!,
      reports: reports!,
      index: { tokens: tokens!, entryOffsets: pOffsets!, entries: pEntries! },
    },
    groups: {
      ids: gIds!,
      emails: gEmails!,
      names: gNames!,
      descriptions: gDescriptions!,
      memberCounts: memberCounts!,
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
  return schemas.flatMap((s) =>
    s.fields.filter((f) => f.readAccessType === 'ALL_DOMAIN_USERS' && f.indexed !== false).map((f) => [s.schemaName, f.fieldName] as const),
  );
}

function customValues(value: unknown): string[] {
  if (Array.isArray(value))
    return value.flatMap((v) => customValues(typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v));
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

function codedColumn(column: readonly string[]): CodedColumn {
  const values = [...new Set(['', ...column])].sort(compareCodeUnits);
  const code = new Map(values.map((v, i) => [v, i]));
  return { values, codes: Uint32Array.from(column, (v) => code.get(v)!) };
}

/** The manager → reports lists as one offsets/values pair (a counting sort; reports stay in name order, as positions are). */
function reportsByManager(managerOf: readonly number[]): { reportOffsets: Uint32Array; reports: Uint32Array } {
  const n = managerOf.length;
  const reportOffsets = new Uint32Array(n + 1);
  for (const m of managerOf) if (m < n) reportOffsets[m + 1]! += 1;
  for (let p = 0; p < n; p++) reportOffsets[p + 1]! += reportOffsets[p]!;
  const fill = reportOffsets.slice(0, n);
  const reports = new Uint32Array(reportOffsets[n]!);
  managerOf.forEach((m, p) => {
    if (m < n) reports[fill[m]!++] = p;
  });
  return { reportOffsets, reports };
}

const valueAt = (column: CodedColumn, position: number) => column.values[column.codes[position]!]!;

/**
 * A listed person as the index holds them: what summaries, facets and the org chart show, and their
 * search words by field. The manager's name is not among the words: it depends on who the manager
 * is, resolved when the index is built or patched.
 */
export interface PersonRecord {
  readonly id: string;
  readonly primaryEmail: string;
  /** Primary email and aliases, lower case: what another person's manager relation may name. */
  readonly emails: readonly string[];
  readonly fullName: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly title: string;
  readonly department: string;
  readonly location: string;
  readonly photoUrl: string;
  readonly managerEmail?: string;
  readonly words: DocumentWords;
}

/** A live group as the index holds it. */
export interface GroupRecord {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly description: string;
  readonly memberCount: number;
  readonly words: DocumentWords;
}

/**
 * The index record of a user, or undefined when search must not list them. Every employee reads
 * the index: past name, email and photo it holds only what colleagues may see.
 */
export function personRecord(user: DirectoryUser, fields: ReadonlyArray<readonly [string, string]>): PersonRecord | undefined {
  if (!isListed(user)) return undefined;
  const seen = sharedProfileOf(user);
  const texts: Array<readonly [number, string | undefined]> = [
    [PERSON_FIELDS.name, `${user.name.fullName} ${user.name.givenName} ${user.name.familyName}`],
    [PERSON_FIELDS.email, user.primaryEmail],
    [PERSON_FIELDS.alias, seen.aliases.join(' ')],
    [PERSON_FIELDS.title, seen.title],
    [PERSON_FIELDS.department, seen.department],
    [PERSON_FIELDS.location, seen.locations.flatMap((l) => [l.area, l.buildingId, l.floorName, l.deskCode]).join(' ')],
    [PERSON_FIELDS.phone, seen.phones.flatMap((p) => [p.value, p.value.replace(/\D/g, '')]).join(' ')],
    [PERSON_FIELDS.keyword, seen.keywords.join(' ')],
    [PERSON_FIELDS.custom, fields.flatMap(([schema, name]) => customValues(seen.customSchemas[schema]?.[name])).join(' ')],
  ];
  const folded = wordsOfEach(texts.map(([, text]) => text ?? ''));
  return {
    id: user.id,
    primaryEmail: user.primaryEmail,
    emails: [user.primaryEmail, ...seen.aliases].map((e) => e.toLowerCase()),
    fullName: user.name.fullName,
    givenName: user.name.givenName,
    familyName: user.name.familyName,
    title: seen.title ?? '',
    department: seen.department ?? '',
    location: seen.locations.find((l) => l.area)?.area ?? '',
    photoUrl: user.photoUrl ?? '',
    ...(seen.managerEmail ? { managerEmail: seen.managerEmail.toLowerCase() } : {}),
    words: texts.map(([code], n) => [code, folded[n]!] as const),
  };
}

/** The index record of a group, or undefined for a deleted one. */
export function groupRecord(group: IndexedGroup): GroupRecord | undefined {
  if (group.deletedAt) return undefined;
  const [name, emails, description] = wordsOfEach([group.name, [group.email, ...group.aliases].join(' '), group.description]);
  return {
    id: group.id,
    email: group.email,
    name: group.name,
    description: group.description,
    memberCount: group.directMembersCount ?? 0,
    words: [
      [field(NAME), name!],
      [field(EMAIL), emails!],
      [field(OTHER), description!],
    ],
  };
}

/** What a person's summary columns hold, one row per position. */
type PersonRow = Omit<PersonRecord, 'emails' | 'managerEmail' | 'words'>;
type GroupRow = Omit<GroupRecord, 'words'>;

const byName =
  <T>(key: (row: T) => string, email: (row: T) => string) =>
  (a: T, b: T) =>
    compareCodeUnits(key(a), key(b)) || compareCodeUnits(email(a), email(b));
const personOrder = byName<{ key: string; record: { primaryEmail: string } }>(
  (p) => p.key,
  (p) => p.record.primaryEmail,
);
const groupOrder = byName<{ key: string; record: { email: string } }>(
  (g) => g.key,
  (g) => g.record.email,
);

/** The manager's name words, as the manager field of a person's document. */
const managerWords = (name: string): readonly [number, readonly string[]] => [PERSON_FIELDS.manager, words(name)];

function peopleColumns(rows: readonly PersonRow[], managerOf: readonly number[], index: StoredTokenIndex): Columns['people'] {
  const photoPrefix = commonPrefix(rows.flatMap((p) => (p.photoUrl ? [p.photoUrl] : [])));
  return {
    ids: rows.map((p) => p.id),
    emails: rows.map((p) => p.primaryEmail),
    fullNames: rows.map((p) => p.fullName),
    givenNames: rows.map((p) => p.givenName),
    familyNames: rows.map((p) => p.familyName),
    titles: codedColumn(rows.map((p) => p.title)),
    departments: codedColumn(rows.map((p) => p.department)),
    photoUrls: rows.map((p) => p.photoUrl.slice(photoPrefix.length)),
    photoPrefix,
    locations: codedColumn(rows.map((p) => p.location)),
    managers: Uint32Array.from(managerOf),
    ...reportsByManager(managerOf),
    index,
  };
}

function groupColumns(rows: readonly GroupRow[], index: StoredTokenIndex): Columns['groups'] {
  return {
    ids: rows.map((g) => g.id),
    emails: rows.map((g) => g.email),
    names: rows.map((g) => g.name),
    descriptions: rows.map((g) => g.description),
    memberCounts: Uint32Array.from(rows, (g) => g.memberCount),
    index,
  };
}

/** Builds the index sync publishes: listed people and live groups, each sorted by name, with their search words. */
export function buildDirectoryIndex(input: DirectoryInput, now = new Date()): BuiltIndex {
  const fields = searchableFields(input.schemas);
  const people = input.users
    .flatMap((user) => personRecord(user, fields) ?? [])
    .map((record) => ({ record, key: nameKey(record.fullName) }))
    .sort(personOrder)
    .map((p) => p.record);
  const byEmail = new Map<string, number>();
  people.forEach((p, i) => {
    for (const e of p.emails) byEmail.set(e, i);
  });
  const managerOf = people.map((p) => (p.managerEmail ? (byEmail.get(p.managerEmail) ?? MANAGER_NOT_LISTED) : NO_MANAGER));
  const personWords: DocumentWords[] = people.map((p, i) => [
    ...p.words,
    managerWords(managerOf[i]! < people.length ? people[managerOf[i]!]!.fullName : ''),
  ]);
  const groups = input.groups
    .flatMap((group) => groupRecord(group) ?? [])
    .map((record) => ({ record, key: nameKey(record.name) }))
    .sort(groupOrder)
    .map((g) => g.record);

  const columns: Columns = {
    meta: { builtAt: now.toISOString() },
    people: peopleColumns(people, managerOf, buildTokenIndex(personWords)),
    groups: groupColumns(groups, buildTokenIndex(groups.map((g) => g.words))),
  };
  const data = toPacked(columns);
  // The version hashes content only (not builtAt), so rebuilding an unchanged directory is a no-op.
  const version = createHash('sha256')
    .update(toPacked({ ...columns, meta: { builtAt: '' } }))
    .digest('base64url')
    .slice(0, 16);
  return { version, data, people: people.length, groups: groups.length };
}

/** Changes since the published base: each person or group by id, with its record now, or null when no longer listed. */
export interface IndexPatch {
  readonly people: ReadonlyMap<string, PersonRecord | null>;
  readonly groups: ReadonlyMap<string, GroupRecord | null>;
}

/**
 * The merged order of a base (positions 0…n-1, already sorted) less its dropped positions, and the
 * added rows (sorted the same way, encoded as -(i + 1)): each added row goes in by binary search.
 */
function mergedOrder<T>(n: number, dropped: Uint8Array, added: readonly T[], baseBefore: (position: number, row: T) => boolean): number[] {
  const order: number[] = [];
  let next = 0;
  const insertAt = added.map((row) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (baseBefore(mid, row)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  });
  for (let position = 0; position <= n; position++) {
    while (next < added.length && insertAt[next]! <= position) order.push(-++next);
    if (position < n && dropped[position] === 0) order.push(position);
  }
  return order;
}

function droppedPositions(ids: ReadonlyMap<string, unknown>, positions: ReadonlyMap<string, number>, n: number): Uint8Array {
  const dropped = new Uint8Array(n);
  for (const id of ids.keys()) {
    const position = positions.get(id);
    if (position !== undefined) dropped[position] = 1;
  }
  return dropped;
}

function patchedPeople(base: Columns['people'], positions: ReadonlyMap<string, number>, patch: IndexPatch): Columns['people'] {
  const n = base.ids.length;
  const dropped = droppedPositions(patch.people, positions, n);
  const added = [...patch.people.values()]
    .flatMap((record) => (record ? [{ record, key: nameKey(record.fullName) }] : []))
    .sort(personOrder);
  const order = mergedOrder(
    n,
    dropped,
    added,
    (position, row) => personOrder({ key: nameKey(base.fullNames[position]!), record: { primaryEmail: base.emails[position]! } }, row) < 0,
  );
  const newPosition = new Uint32Array(n);
  const addedPosition = new Map<string, number>();
  order.forEach((o, k) => (o >= 0 ? (newPosition[o] = k) : addedPosition.set(added[-o - 1]!.record.id, k)));
  let byEmail: Map<string, number> | undefined;
  const positionOfEmail = (email: string) => {
    // Base people by primary address (the base keeps no aliases), patched people by every address.
    byEmail ??= new Map(
      order.flatMap((o, k) =>
        o >= 0 ? [[base.emails[o]!.toLowerCase(), k] as const] : added[-o - 1]!.record.emails.map((e) => [e, k] as const),
      ),
    );
    return byEmail.get(email);
  };
  const managerOf = order.map((o) => {
    if (o < 0) {
      const { managerEmail } = added[-o - 1]!.record;
      return managerEmail ? (positionOfEmail(managerEmail) ?? MANAGER_NOT_LISTED) : NO_MANAGER;
    }
    const m = base.managers[o]!;
    if (m >= n) return m;
    if (dropped[m] === 0) return newPosition[m]!;
    return addedPosition.get(base.ids[m]!) ?? MANAGER_NOT_LISTED;
  });
  const rows: PersonRow[] = order.map((o) =>
    o < 0
      ? added[-o - 1]!.record
      : {
          id: base.ids[o]!,
          primaryEmail: base.emails[o]!,
          fullName: base.fullNames[o]!,
          givenName: base.givenNames[o]!,
          familyName: base.familyNames[o]!,
          title: valueAt(base.titles, o),
          department: valueAt(base.departments, o),
          location: valueAt(base.locations, o),
          photoUrl: base.photoUrls[o] ? `${base.photoPrefix}${base.photoUrls[o]}` : '',
        },
  );
  const managerName = (k: number) => (managerOf[k]! < rows.length ? rows[managerOf[k]!]!.fullName : '');
  const documents: PatchedDocument[] = order.map((o, k) => {
    if (o < 0) return { words: [...added[-o - 1]!.record.words, managerWords(managerName(k))] };
    const m = base.managers[o]!;
    // A report of a changed or removed manager: the manager's name words are taken again.
    return m < n && dropped[m] === 1 ? { base: o, dropField: PERSON_FIELDS.manager, words: [managerWords(managerName(k))] } : { base: o };
  });
  return peopleColumns(rows, managerOf, patchTokenIndex(base.index, documents));
}

function patchedGroups(base: Columns['groups'], positions: ReadonlyMap<string, number>, patch: IndexPatch): Columns['groups'] {
  const n = base.ids.length;
  const added = [...patch.groups.values()].flatMap((record) => (record ? [{ record, key: nameKey(record.name) }] : [])).sort(groupOrder);
  const order = mergedOrder(
    n,
    droppedPositions(patch.groups, positions, n),
    added,
    (position, row) => groupOrder({ key: nameKey(base.names[position]!), record: { email: base.emails[position]! } }, row) < 0,
  );
  const rows: GroupRow[] = order.map((o) =>
    o < 0
      ? added[-o - 1]!.record
      : {
          id: base.ids[o]!,
          email: base.emails[o]!,
          name: base.names[o]!,
          description: base.descriptions[o]!,
          memberCount: base.memberCounts[o]!,
        },
  );
  const documents = order.map((o): PatchedDocument => (o < 0 ? { words: added[-o - 1]!.record.words } : { base: o }));
  return groupColumns(rows, patchTokenIndex(base.index, documents));
}

/** The loaded index a warm API function keeps: search, and summaries by id without a read. */
export class DirectoryIndex {
  private readonly people: TokenIndex;
  private readonly groupIndex: TokenIndex;
  private readonly personPositions: Map<string, number>;
  private readonly groupPositions: Map<string, number>;

  private constructor(
    readonly version: string,
    private readonly columns: Columns,
  ) {
    this.people = loadTokenIndex(columns.people.index);
    this.groupIndex = loadTokenIndex(columns.groups.index);
    this.personPositions = new Map(columns.people.ids.map((id, i) => [id, i]));
    this.groupPositions = new Map(columns.groups.ids.map((id, i) => [id, i]));
  }

  static fromData(version: string, data: Uint8Array): DirectoryIndex {
    return new DirectoryIndex(version, fromPacked(data));
  }

  /**
   * This index with the patch laid over it, as a new index named `version`: search, facets,
   * summaries, the org chart and groups answer as a rebuild with the patched records would, with
   * two exceptions until the next full build (the base keeps neither aliases nor managers it could
   * not find): a base person whose manager was not listed keeps no manager when that manager is
   * added, and a manager relation naming a base person's alias does not resolve. Costs about one
   * index load (linear in the base), not a build.
   */
  patched(patch: IndexPatch, version: string): DirectoryIndex {
    return new DirectoryIndex(version, {
      meta: this.columns.meta,
      people: patchedPeople(this.columns.people, this.personPositions, patch),
      groups: patchedGroups(this.columns.groups, this.groupPositions, patch),
    });
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

  /**
   * Why a person matched the query, when it was not by name: the field of the word matched in the
   * weakest field, and the field's value (the whole title, department, manager's name, email or city; the
   * matched word for aliases, phones, keywords, places and custom fields, which the index does not keep whole).
   */
  whyMatched(position: number, query: string): MatchReason | undefined {
    const match = weakestMatch(this.people, position, words(query));
    const name = match && FIELD_NAMES.get(match.field);
    if (!name || name === 'name') return undefined;
    const summary = this.person(position);
    const whole: Partial<Record<MatchReason['field'], string | undefined>> = {
      email: summary.primaryEmail,
      title: summary.title,
      department: summary.department,
      manager: this.managerOf(summary.id)?.name.fullName,
      // The city when the word is in it (not a building, floor or desk code).
      location: summary.location && words(summary.location).includes(match.word) ? summary.location : undefined,
    };
    return { field: name, value: whole[name] ?? match.word };
  }

  searchGroups(query: string): number[] {
    const q = words(query);
    const exact = q.join(' ');
    return matchAll(this.groupIndex, q, { isExactName: (d) => isExact(this.columns.groups.names[d]!, exact) });
  }

  /**
   * People matching the words (ranked, as searchPeople) or, without words, everyone the filter
   * allows (by name); narrowed by the filter; with the facet counts of that result. A filter value
   * no person has gives nothing. Costs one pass over the candidates: a few ms at 100,000 people.
   */
  findPeople(query: string | undefined, filter: PeopleFilter): { positions: number[]; facets: PeopleFacets } {
    const managerPosition = filter.managerId === undefined ? undefined : this.personPositions.get(filter.managerId);
    const wanted = FACETS.flatMap((facet) =>
      filter[facet] === undefined ? [] : [[this.facetColumn(facet), this.facetCode(facet, filter[facet])] as const],
    );
    const nothing = (filter.managerId !== undefined && managerPosition === undefined) || wanted.some(([, code]) => code < 0);
    const candidates: ArrayLike<number> = nothing
      ? []
      : query !== undefined
        ? this.searchPeople(query)
        : managerPosition !== undefined
          ? this.reportsOf(filter.managerId!)
          : { length: this.peopleCount };
    const { managers } = this.columns.people;
    const positions: number[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const position = query === undefined && managerPosition === undefined ? i : candidates[i]!;
      if (managerPosition !== undefined && managers[position] !== managerPosition) continue;
      if (wanted.every(([column, code]) => column.codes[position] === code)) positions.push(position);
    }
    return {
      positions,
      facets: Object.fromEntries(FACETS.map((facet) => [facet, this.facetCounts(facet, positions)])) as unknown as PeopleFacets,
    };
  }

  private facetColumn(facet: FacetName): CodedColumn {
    const p = this.columns.people;
    return facet === 'department' ? p.departments : facet === 'location' ? p.locations : p.titles;
  }

  private readonly foldedValues = new Map<FacetName, string[]>();

  /** The code of a facet value, matched as search matches words (case and accents aside); -1 when nobody has it. */
  private facetCode(facet: FacetName, value: string): number {
    const { values } = this.facetColumn(facet);
    const exact = values.indexOf(value);
    if (exact > 0) return exact;
    let folded = this.foldedValues.get(facet);
    if (!folded) this.foldedValues.set(facet, (folded = values.map((v) => words(v).join(' '))));
    const wanted = words(value).join(' ');
    return wanted === '' ? -1 : folded.indexOf(wanted, 1);
  }

  private facetCounts(facet: FacetName, positions: readonly number[]): FacetCount[] {
    const { values, codes } = this.facetColumn(facet);
    const counts = new Uint32Array(values.length);
    for (const position of positions) counts[codes[position]!]! += 1;
    const present: number[] = [];
    for (let code = 1; code < counts.length; code++) if (counts[code]! > 0) present.push(code);
    return present
      .sort((a, b) => counts[b]! - counts[a]! || compareCodeUnits(values[a]!, values[b]!))
      .slice(0, FACET_VALUES)
      .map((code) => ({ value: values[code]!, count: counts[code]! }));
  }

  person(position: number): PersonSummary {
    const p = this.columns.people;
    const optional = (key: string, value: string) => (value ? { [key]: value } : {});
    return {
      id: p.ids[position]!,
      primaryEmail: p.emails[position]!,
      name: { fullName: p.fullNames[position]!, givenName: p.givenNames[position]!, familyName: p.familyNames[position]! },
      ...optional('title', valueAt(p.titles, position)),
      ...optional('department', valueAt(p.departments, position)),
      ...optional('photoUrl', p.photoUrls[position] ? `${p.photoPrefix}${p.photoUrls[position]}` : ''),
      ...optional('location', valueAt(p.locations, position)),
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
    return manager < this.peopleCount ? this.person(manager) : undefined;
  }

  /**
   * The person's managers, nearest first, up to the top. Google does not stop a directory from
   * naming a manager who is not listed, or managers in a circle: the chain then stops and says why
   * (each person is visited once, so it always ends).
   */
  managerChain(id: string): ManagerChain {
    const start = this.personPositions.get(id);
    if (start === undefined) return { people: [], end: 'top' };
    const { managers, fullNames, ids } = this.columns.people;
    const seen = new Set([start]);
    const people: PersonRef[] = [];
    for (let m = managers[start]!; ; m = managers[m]!) {
      if (m === NO_MANAGER) return { people, end: 'top' };
      if (m === MANAGER_NOT_LISTED) return { people, end: 'manager-not-listed' };
      if (seen.has(m)) return { people, end: 'cycle' };
      seen.add(m);
      people.push({ id: ids[m]!, name: fullNames[m]! });
    }
  }

  /** How many direct reports the person has (0 for an unknown id). */
  reportCount(id: string): number {
    const position = this.personPositions.get(id);
    return position === undefined ? 0 : this.reportCountAt(position);
  }

  /** Positions of the person's direct reports, by name. */
  reportsOf(id: string): Uint32Array {
    const position = this.personPositions.get(id);
    const { reportOffsets, reports } = this.columns.people;
    return position === undefined ? new Uint32Array(0) : reports.subarray(reportOffsets[position]!, reportOffsets[position + 1]!);
  }

  /** A person in an org chart: their summary and how many report to them. */
  orgPerson(position: number): OrgPerson {
    return { ...this.person(position), reportCount: this.reportCountAt(position) };
  }

  directReportsOf(id: string): PersonSummary[] {
    return Array.from(this.reportsOf(id), (p) => this.person(p));
  }

  private reportCountAt(position: number): number {
    const { reportOffsets } = this.columns.people;
    return reportOffsets[position + 1]! - reportOffsets[position]!;
  }

  group(position: number): GroupSummary {
    const g = this.columns.groups;
    return {
      id: g.ids[position]!,
      email: g.emails[position]!,
      name: g.names[position]!,
      description: g.descriptions[position]!,
      directMembersCount: g.memberCounts[position]!,
    };
  }

  groupById(id: string): GroupSummary | undefined {
    const position = this.groupPositions.get(id);
    return position === undefined ? undefined : this.group(position);
  }
}
