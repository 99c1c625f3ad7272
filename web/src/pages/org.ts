/**
 * The org chart, a level at a time: a person, the managers above them (each a step up), and their
 * direct reports, each with how many report to them (a step down). Every step is one small API call,
 * so the chart is as fast at 100,000 people as at 100.
 */
import type { App } from '../app.js';
import { api } from '../api/backend.js';
import type { OrgPerson, Profile } from '../api/types.js';
import { h, link } from '../ui/dom.js';
import { pagedList } from '../ui/paged.js';
import { avatar } from '../ui/avatar.js';
import { failed, managerChain, personItem } from './people.js';

export async function orgPage(app: App, id: string): Promise<HTMLElement> {
  const personId = id || app.me.user.id;
  let person: Profile;
  try {
    person = await api.person(personId);
  } catch (error) {
    return failed('Person', error);
  }
  const reports = await api.reports(personId).catch(() => undefined);
  return h(
    'div',
    { class: 'org' },
    h('h1', {}, `Org chart: ${person.name.fullName}`),
    managerChain(person.managerChain, (manager) => link(`/org/${encodeURIComponent(manager.id)}`, manager.name)),
    h(
      'div',
      { class: 'profile org-person' },
      avatar(person),
      h(
        'div',
        { class: 'profile-text' },
        h('p', { class: 'org-name' }, link(`/people/${encodeURIComponent(person.id)}`, person.name.fullName)),
        h('p', { class: 'muted' }, [person.title, person.department].filter(Boolean).join(' · ')),
      ),
    ),
    h('h2', {}, `Direct reports (${person.reportCount})`),
    reports
      ? pagedList(reports, (cursor) => api.reports(personId, cursor), orgItem, 'Nobody reports to this person.')
      : h('p', { class: 'error', role: 'alert' }, 'The direct reports could not be loaded. Try again.'),
  );
}

/** A report, with a step down the chart when they have reports of their own. */
function orgItem(person: OrgPerson): HTMLElement {
  const item = personItem(person);
  if (person.reportCount > 0) {
    item.append(
      link(`/org/${encodeURIComponent(person.id)}`, `${person.reportCount} ${person.reportCount === 1 ? 'report' : 'reports'} ↓`),
    );
  }
  return item;
}
