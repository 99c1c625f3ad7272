import type { App, PageLifetime } from '../app.js';
import { eventStart, insertEvent, joinLink, loadEvents, type CalendarEvent } from '../google/calendar.js';
import { empty, errorBox, formatEventTime, h, mount } from '../ui/dom.js';
import { messageFor, mountWidget, type WidgetTools } from './frame.js';

export const CALENDAR_MAX = 10;

export function calendarWidget(app: App, lifetime: PageLifetime): HTMLElement {
  const base = app.config.googleApis.calendar;
  return mountWidget<CalendarEvent[]>(app, lifetime, {
    integration: 'calendar',
    description: "Today's and upcoming meetings with their join links.",
    load: (call) => loadEvents(call, base, new Date(), CALENDAR_MAX),
    render: (events, tools) => {
      const now = new Date();
      return h(
        'div',
        {},
        events.length === 0
          ? empty('Nothing on your calendar this week.')
          : h(
              'ul',
              { class: 'list' },
              events.map((event) => {
                const start = eventStart(event);
                const join = joinLink(event);
                return h(
                  'li',
                  {},
                  h('span', { class: 'item-title' }, event.summary ?? '(no title)'),
                  h('span', { class: 'muted' }, start ? formatEventTime(start, now) : ''),
                  join ? h('a', { href: join, target: '_blank', rel: 'noopener noreferrer', class: 'join' }, 'Join') : null,
                );
              }),
            ),
        newEventForm(app, tools),
        h('button', { type: 'button', class: 'link-button', onclick: () => tools.refresh() }, 'Refresh'),
      );
    },
  });

  function newEventForm(_app: App, tools: WidgetTools): HTMLElement {
    const title = h('input', { id: 'event-title', name: 'title', required: true, maxlength: 200, autocomplete: 'off' });
    const start = h('input', { id: 'event-start', name: 'start', type: 'datetime-local', required: true, value: nextHalfHour() });
    const minutes = h(
      'select',
      { id: 'event-duration', name: 'duration' },
      [15, 30, 45, 60].map((m) => h('option', { value: m, selected: m === 30 }, `${m} minutes`)),
    );
    const status = h('div', { 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'stack' },
      h('label', { for: 'event-title' }, 'Title'),
      title,
      h('label', { for: 'event-start' }, 'Starts'),
      start,
      h('label', { for: 'event-duration' }, 'Duration'),
      minutes,
      h('button', { type: 'submit' }, 'Create event'),
      h('p', { class: 'muted small' }, 'Creating an event asks Google for permission to add events to your calendar, once.'),
      status,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const begins = new Date(start.value);
      if (!title.value.trim() || Number.isNaN(begins.getTime())) return mount(status, errorBox('Give the event a title and a start time.'));
      const ends = new Date(begins.getTime() + Number(minutes.value) * 60_000);
      mount(status, h('p', { role: 'status' }, 'Creating…'));
      tools
        .withFeature('calendar.write', (call) =>
          call<{ htmlLink?: string }>(insertEvent(base, { summary: title.value.trim(), start: begins, end: ends }, crypto.randomUUID())),
        )
        .then(() => tools.refresh())
        .catch((error: unknown) => mount(status, errorBox(messageFor(error))));
    });
    return h('details', { class: 'more' }, h('summary', {}, 'New event'), form);
  }
}

function nextHalfHour(): string {
  const d = new Date(Math.ceil(Date.now() / 1_800_000) * 1_800_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
