import type { App } from '../app.js';
import { api, ApiError, NotAvailableError } from '../api/backend.js';
import type { Group, Member, Page, Person } from '../api/types.js';
import { debounce, errorBox, h, link, loading, mount } from '../ui/dom.js';
import { pagedList } from '../ui/paged.js';

export const SEARCH_DEBOUNCE_MS = 250;

export function peoplePage(_app: App): HTMLElement {
  const input = h('input', { id: 'people-search', type: 'search', autocomplete: 'off', placeholder: 'Name, email, title or department', autofocus: true });
  const results = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  let latest = 0;
  const search = debounce((text: string) => {
    const ticket = ++latest;
    mount(results, loading('Searching…'));
    Promise.allSettled([api.people(text), api.groups(text)]).then(([people, groups]) => {
      if (ticket !== latest) return; // a newer search is on its way: drop this answer
      mount(results,
        section('People', people, (cursor) => api.people(text, cursor), (p: Person) => h('li', {}, link(`/people/${encodeURIComponent(p.id)}`, p.name.fullName),
          h('span', { class: 'muted' }, [p.title, p.department, p.primaryEmail].filter(Boolean).join(' · ')))),
        section('Groups', groups, (cursor) => api.groups(text, cursor), groupItem));
    });
  }, SEARCH_DEBOUNCE_MS);
  input.addEventListener('input', () => search(input.value.trim()));
  search('');
  return h('div', {},
    h('h1', {}, 'People'),
    h('label', { for: 'people-search' }, 'Search the directory'), input,
    results);
}

function section<T>(title: string, result: PromiseSettledResult<Page<T>>, more: (cursor: string) => Promise<Page<T>>, item: (value: T) => HTMLElement): HTMLElement {
  const body = result.status === 'rejected'
    ? errorBox(result.reason instanceof ApiError ? result.reason.message : 'The directory could not be searched. Try again.')
    : pagedList(result.value, more, item, `No ${title.toLowerCase()} found.`);
  return h('section', {}, h('h2', {}, title), body);
}

export async function personPage(_app: App, id: string): Promise<HTMLElement> {
  const [person, groups] = await Promise.allSettled([api.person(id), api.personGroups(id)]);
  if (person.status === 'rejected') return failed('Person', person.reason);
  const p = person.value;
  const place = p.locations?.[0];
  const facts: Array<[string, string | HTMLElement | undefined]> = [
    ['Email', h('a', { href: `mailto:${p.primaryEmail}` }, p.primaryEmail)],
    ['Title', p.title], ['Department', p.department],
    ['Manager', p.managerEmail ? h('a', { href: `mailto:${p.managerEmail}` }, p.managerEmail) : undefined],
    ['Phone', p.phones?.map((x) => x.value).join(', ') || undefined],
    ['Location', place ? [place.buildingId, place.floorName, place.deskCode ?? place.area].filter(Boolean).join(', ') : undefined],
  ];
  return h('div', {},
    h('p', {}, link('/people', '← People')),
    h('div', { class: 'profile' },
      p.photoUrl ? h('img', { src: p.photoUrl, alt: '', width: 96, height: 96, class: 'avatar' }) : h('div', { class: 'avatar placeholder', 'aria-hidden': 'true' }, initials(p.name.fullName)),
      h('div', {}, h('h1', {}, p.name.fullName),
        h('dl', { class: 'facts' }, facts.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])))),
    h('h2', {}, 'Groups'),
    groups.status === 'rejected' ? errorBox(groups.reason instanceof ApiError ? groups.reason.message : 'Groups could not be loaded.')
      : pagedList(groups.value, (cursor) => api.personGroups(id, cursor), groupItem, 'Not a member of any group.'));
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
    const nested = transitive.checked;
    api.members(id, nested)
      .then((page) => mount(members, pagedList(page, (cursor) => api.members(id, nested, cursor), memberItem, 'This group has no members.')))
      .catch((error: unknown) => mount(members, errorBox(error instanceof ApiError ? error.message : 'Members could not be loaded.')));
  };
  transitive.addEventListener('change', load);
  load();
  return h('div', {},
    h('p', {}, link('/people', '← People')),
    h('h1', {}, group.name),
    h('p', {}, h('a', { href: `mailto:${group.email}` }, group.email)),
    group.description ? h('p', {}, group.description) : null,
    h('h2', {}, 'Members'),
    h('label', { for: 'transitive', class: 'inline' }, transitive, ' Include members of nested groups'),
    members);
}

function groupItem(g: Group): HTMLElement {
  return h('li', {}, link(`/groups/${encodeURIComponent(g.id)}`, g.name), h('span', { class: 'muted' }, g.email));
}

function memberItem(m: Member): HTMLElement {
  const label = m.name ?? m.email ?? m.id;
  return h('li', {},
    m.type === 'GROUP' ? link(`/groups/${encodeURIComponent(m.id)}`, label)
      : m.type === 'USER' ? link(`/people/${encodeURIComponent(m.id)}`, label) : h('span', {}, 'Everyone in the organisation'),
    h('span', { class: 'muted' }, [m.type === 'GROUP' ? 'group' : undefined, m.role?.toLowerCase(), m.email].filter(Boolean).join(' · ')));
}

function failed(what: string, error: unknown): HTMLElement {
  const message = error instanceof ApiError && error.status === 404 && !(error instanceof NotAvailableError)
    ? `${what} not found. It may have been removed from the directory.`
    : error instanceof ApiError ? error.message : `${what} could not be loaded. Try again.`;
  return h('div', {}, h('p', {}, link('/people', '← People')), errorBox(message));
}

function initials(name: string): string {
  return name.split(/\s+/).filter(Boolean).slice(0, 2).map((part) => part[0]?.toUpperCase()).join('');
}
