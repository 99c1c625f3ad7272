import type { App, PageLifetime } from '../app.js';
import { api, ApiError, NotAvailableError } from '../api/backend.js';
import type {
  DirectMember,
  Group,
  ManagerChain,
  MatchReason,
  Page,
  PeopleFacets,
  Person,
  PersonMatch,
  Profile,
  TransitiveMember,
} from '../api/types.js';
import { debounce, empty, errorBox, h, link, loading, mount } from '../ui/dom.js';
import { pagedList } from '../ui/paged.js';
import { avatar } from '../ui/avatar.js';
import { availabilityBadge } from '../widgets/availability.js';

export const SEARCH_DEBOUNCE_MS = 250;

const FACET_LABELS = { department: 'Department', location: 'Location', title: 'Title' } as const;
type FacetName = keyof typeof FACET_LABELS;
const FACET_NAMES = Object.keys(FACET_LABELS) as FacetName[];
/** The page's URL parameters: what the list asks the API, so a filtered list can be shared as a link. */
const QUERY_NAMES = ['q', ...FACET_NAMES, 'manager'] as const;

function queryFromUrl(): Record<(typeof QUERY_NAMES)[number], string> {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(QUERY_NAMES.map((name) => [name, params.get(name)?.trim() ?? ''])) as Record<
    (typeof QUERY_NAMES)[number],
    string
  >;
}

export function peoplePage(_app: App): HTMLElement {
  const query = queryFromUrl();
  const input = h('input', {
    id: 'people-search',
    type: 'search',
    autocomplete: 'off',
    placeholder: 'Name, email, title or department',
    autofocus: true,
    value: query.q,
  });
  const selects = Object.fromEntries(FACET_NAMES.map((facet) => [facet, h('select', { id: `filter-${facet}` })])) as Record<
    FacetName,
    HTMLSelectElement
  >;
  const managerFilter = h('div', {});
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  let latest = 0;
  const run = () => {
    const ticket = ++latest;
    const url = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
    history.replaceState(null, '', `/people${url ? `?${url}` : ''}`);
    showManagerFilter(managerFilter, query.manager, () => {
      query.manager = '';
      run();
    });
    mount(results, loading(query.q ? 'Searching…' : 'Loading…'));
    results.setAttribute('aria-busy', 'true');
    const asked = { ...query };
    Promise.allSettled([api.people(asked), query.q ? api.groups(query.q) : Promise.resolve(undefined)]).then(([people, groups]) => {
      if (ticket !== latest) return; // a newer search is on its way: drop this answer
      results.setAttribute('aria-busy', 'false');
      if (people.status === 'fulfilled')
        for (const facet of FACET_NAMES) fillFacet(selects[facet], facet, people.value.facets, asked[facet]);
      mount(
        results,
        people.status === 'fulfilled'
          ? h('p', { class: 'muted', role: 'status' }, `${people.value.total} ${people.value.total === 1 ? 'person' : 'people'}`)
          : null,
        section(
          'People',
          people,
          (cursor) => api.people(asked, cursor),
          (p: PersonMatch) => personItem(p, p.matched ? matchedText(p.matched) : undefined, p.department, p.location, p.primaryEmail),
        ),
        groups.status === 'fulfilled' && groups.value === undefined
          ? null
          : section(
              'Groups',
              groups as PromiseSettledResult<Page<Group>>,
              (cursor) => api.groups(asked.q, cursor),
              (g: Group) => groupItem(g),
            ),
      );
    });
  };
  const search = debounce(() => run(), SEARCH_DEBOUNCE_MS);
  input.addEventListener('input', () => {
    query.q = input.value.trim();
    search();
  });
  for (const facet of FACET_NAMES)
    selects[facet].addEventListener('change', () => {
      query[facet] = selects[facet].value;
      run();
    });
  run();
  return h(
    'div',
    {},
    h('h1', {}, 'People'),
    h('label', { for: 'people-search' }, 'Search the directory'),
    input,
    h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': 'Filters' },
      FACET_NAMES.map((facet) =>
        h('div', { class: 'filter' }, h('label', { for: `filter-${facet}` }, FACET_LABELS[facet]), selects[facet]),
      ),
    ),
    managerFilter,
    results,
  );
}

const MATCHED_FIELDS: Readonly<Record<MatchReason['field'], string>> = {
  email: 'email',
  alias: 'alias',
  title: 'title',
  department: 'department',
  manager: 'manager',
  location: 'place',
  phone: 'phone',
  keyword: 'keyword',
  custom: 'profile field',
};

/** Why a result is there when the name does not say it: "matched manager: Ada Lovelace". */
function matchedText(reason: MatchReason): string {
  return `matched ${MATCHED_FIELDS[reason.field]}: ${reason.value}`;
}

/** A facet's choices: "any", then its values with counts for the current result; the chosen value stays even when it has none. */
function fillFacet(select: HTMLSelectElement, facet: FacetName, facets: PeopleFacets, chosen: string): void {
  const values = facets[facet];
  const options = [
    h('option', { value: '' }, `Any ${FACET_LABELS[facet].toLowerCase()}`),
    ...values.map((f) => h('option', { value: f.value }, `${f.value} (${f.count})`)),
  ];
  if (chosen && !values.some((f) => f.value === chosen)) options.push(h('option', { value: chosen }, chosen));
  select.replaceChildren(...options);
  select.value = chosen;
}

/** The manager filter (from a shared link or the org chart): whose reports these are, and a way to drop it. */
function showManagerFilter(region: HTMLElement, managerId: string, clear: () => void): void {
  if (!managerId) return mount(region);
  const name = h('span', {}, 'a manager');
  mount(
    region,
    h(
      'p',
      { class: 'row' },
      h('span', {}, 'Reporting to ', name),
      h('button', { type: 'button', class: 'link-button', onclick: clear }, 'Show everyone'),
    ),
  );
  api
    .person(managerId)
    .then((p) => name.replaceChildren(personLink(p)))
    .catch(() => undefined);
}

function section<T>(
  title: string,
  result: PromiseSettledResult<Page<T>>,
  more: (cursor: string) => Promise<Page<T>>,
  item: (value: T) => HTMLElement,
): HTMLElement {
  const body =
    result.status === 'rejected'
      ? errorBox(result.reason instanceof ApiError ? result.reason.message : 'The directory could not be searched. Try again.')
      : pagedList(result.value, more, item, `No ${title.toLowerCase()} found.`);
  return h('section', {}, h('h2', {}, title), body);
}

export async function personPage(app: App, id: string, lifetime: PageLifetime): Promise<HTMLElement> {
  let p: Profile;
  try {
    p = await api.person(id);
  } catch (error) {
    return failed('Person', error);
  }
  const facts: Array<[string, string | HTMLElement | undefined]> = [
    ['Email', h('a', { href: `mailto:${p.primaryEmail}` }, p.primaryEmail)],
    ['Title', p.title],
    ['Department', p.department],
    [
      'Phone',
      p.phones
        .map((x) => x.value)
        .filter(Boolean)
        .join(', ') || undefined,
    ],
    ['Location', p.location],
    ...p.customFields.map((f): [string, string | undefined] => [
      f.label,
      Array.isArray(f.value) ? f.value.join(', ') : String(f.value ?? '') || undefined,
    ]),
  ];
  return h(
    'div',
    {},
    h('p', {}, link('/people', '← People')),
    h(
      'div',
      { class: 'profile' },
      avatar(p),
      h(
        'div',
        { class: 'profile-text' },
        h('h1', {}, p.name.fullName),
        availabilityBadge(app, lifetime, p),
        h(
          'dl',
          { class: 'facts' },
          facts.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        ),
      ),
    ),
    h('h2', {}, 'Reports to'),
    managerChain(p.managerChain, (m) => link(`/people/${encodeURIComponent(m.id)}`, m.name)) ??
      empty('Nobody: the top of the organisation.'),
    p.reportCount > 0 ? [h('h2', {}, `Direct reports (${p.reportCount})`), reportList(p.id)] : null,
    h('p', {}, link(`/org/${encodeURIComponent(p.id)}`, 'Open in the org chart')),
    h('h2', {}, 'Groups'),
    p.groups.length === 0
      ? empty('Not a member of any group.')
      : h(
          'ul',
          { class: 'list' },
          p.groups.map((g) => groupItem(g, g.direct ? undefined : 'through a nested group')),
        ),
  );
}

const CHAIN_ENDS: Readonly<Record<ManagerChain['end'], string | undefined>> = {
  top: undefined,
  'manager-not-listed': 'The next manager is not in the directory.',
  cycle: 'The directory names managers in a circle here; the chain stops.',
};

/** The managers, top first, as a breadcrumb; says so when Google's data stops the chain early. */
export function managerChain(chain: ManagerChain, show: (manager: ManagerChain['people'][number]) => HTMLElement): HTMLElement | null {
  const end = CHAIN_ENDS[chain.end];
  if (chain.people.length === 0 && !end) return null;
  return h(
    'nav',
    { class: 'chain', 'aria-label': 'Managers' },
    end ? h('p', { class: 'muted chain-end', 'data-end': chain.end }, end) : null,
    h(
      'ol',
      {},
      [...chain.people].reverse().map((manager) => h('li', {}, show(manager))),
    ),
  );
}

/** The direct reports, a page at a time (a manager may have hundreds). */
function reportList(personId: string): HTMLElement {
  const region = h('div', { 'aria-live': 'polite' }, loading('Loading direct reports…'));
  api
    .reports(personId)
    .then((page) =>
      mount(
        region,
        pagedList(
          page,
          (cursor) => api.reports(personId, cursor),
          (r) => personItem(r),
          'Nobody reports to this person.',
        ),
      ),
    )
    .catch((error: unknown) =>
      mount(region, errorBox(error instanceof ApiError ? error.message : 'The direct reports could not be loaded.')),
    );
  return region;
}

function personLink(person: Person): HTMLAnchorElement {
  return link(`/people/${encodeURIComponent(person.id)}`, person.name.fullName);
}

/** A person in a list: small avatar, linked name, then their title and the given details. */
export function personItem(person: Person, ...details: Array<string | undefined>): HTMLElement {
  return h(
    'li',
    { class: 'with-avatar' },
    avatar(person, 'small'),
    h(
      'div',
      { class: 'item-text' },
      personLink(person),
      h('span', { class: 'muted' }, [person.title, ...details].filter(Boolean).join(' · ')),
    ),
  );
}

export async function groupPage(_app: App, id: string): Promise<HTMLElement> {
  let group: Group;
  try {
    group = await api.group(id);
  } catch (error) {
    return failed('Group', error);
  }
  const members = h('div', { 'aria-live': 'polite' });
  const transitive = h('input', { type: 'checkbox', id: 'transitive' });
  const load = () => {
    mount(members, loading('Loading members…'));
    const shown = transitive.checked
      ? api
          .allMembers(id)
          .then((page) =>
            pagedList(page, (cursor) => api.allMembers(id, cursor), transitiveItem, 'Nobody is in this group, even through nested groups.'),
          )
      : api.members(id).then((page) => pagedList(page, (cursor) => api.members(id, cursor), memberItem, 'This group has no members.'));
    shown
      .then((list) => mount(members, list))
      .catch((error: unknown) => mount(members, errorBox(error instanceof ApiError ? error.message : 'Members could not be loaded.')));
  };
  transitive.addEventListener('change', load);
  load();
  return h(
    'div',
    {},
    h('p', {}, link('/groups', '← Groups')),
    h('h1', {}, group.name),
    h('p', { class: 'muted' }, `${memberCount(group)} directly`),
    h('p', {}, h('a', { href: `mailto:${group.email}` }, group.email)),
    group.description ? h('p', {}, group.description) : null,
    h('h2', {}, 'Members'),
    h('label', { for: 'transitive', class: 'inline' }, transitive, ' Include members of nested groups'),
    members,
  );
}

/** Every group the directory lists, searchable by name, address or description, with member counts; the search is in the URL (`/groups?q=…`). */
export function groupsPage(_app: App): HTMLElement {
  const input = h('input', {
    id: 'groups-search',
    type: 'search',
    autocomplete: 'off',
    placeholder: 'Group name, address or description',
    value: new URLSearchParams(location.search).get('q') ?? '',
  });
  const results = h('div', { 'aria-live': 'polite' });
  let latest = 0;
  const run = () => {
    const ticket = ++latest;
    const q = input.value.trim();
    history.replaceState(null, '', q ? `/groups?${new URLSearchParams({ q })}` : '/groups');
    mount(results, loading());
    api
      .groups(q)
      .then((page) => {
        if (ticket === latest)
          mount(
            results,
            pagedList(
              page,
              (cursor) => api.groups(q, cursor),
              (g) => groupItem(g, memberCount(g)),
              'No groups found.',
            ),
          );
      })
      .catch((error: unknown) => {
        if (ticket === latest)
          mount(results, errorBox(error instanceof ApiError ? error.message : 'Groups could not be loaded. Try again.'));
      });
  };
  input.addEventListener('input', debounce(run, SEARCH_DEBOUNCE_MS));
  run();
  return h('div', {}, h('h1', {}, 'Groups'), h('label', { for: 'groups-search' }, 'Search groups'), input, results);
}

const memberCount = (g: Group) => `${g.directMembersCount} ${g.directMembersCount === 1 ? 'member' : 'members'}`;

function groupItem(g: Group, note?: string): HTMLElement {
  return h(
    'li',
    {},
    link(`/groups/${encodeURIComponent(g.id)}`, g.name),
    h('span', { class: 'muted' }, [g.email, note].filter(Boolean).join(' · ')),
  );
}

function memberItem(m: DirectMember): HTMLElement {
  const role = m.role.toLowerCase();
  const item = (name: HTMLElement, ...details: Array<string | undefined>) =>
    h('li', {}, name, h('span', { class: 'muted' }, [...details, role].filter(Boolean).join(' · ')));
  switch (m.kind) {
    case 'USER':
      return personItem(m, m.primaryEmail, role);
    case 'GROUP':
      return item(link(`/groups/${encodeURIComponent(m.id)}`, m.name), 'group', m.email);
    case 'CUSTOMER':
      return item(h('span', {}, 'Everyone in the organisation'));
    case 'EXTERNAL':
      return item(h('span', {}, m.email), 'outside the directory');
  }
}

function transitiveItem(m: TransitiveMember): HTMLElement {
  return personItem(m, m.primaryEmail, m.direct ? undefined : 'through a nested group');
}

export function failed(what: string, error: unknown): HTMLElement {
  const message =
    error instanceof ApiError && error.status === 404 && !(error instanceof NotAvailableError)
      ? `${what} not found. It may have been removed from the directory.`
      : error instanceof ApiError
        ? error.message
        : `${what} could not be loaded. Try again.`;
  return h('div', {}, h('p', {}, link('/people', '← People')), errorBox(message));
}
