/**
 * "Free now / busy until" on a profile, for viewers who turned Calendar on: freebusy.query straight
 * from the browser with the viewer's own token (calendar.readonly, the scope the Calendar widget
 * already holds), so the intranet's servers never see the token or the answer.
 */
import { whileShown, type App, type PageLifetime } from '../app.js';
import { availability, type Availability } from '../google/calendar.js';
import { bearerCall, GoogleApiError } from '../google/http.js';
import { errorBox, formatTime, h, loading, mount } from '../ui/dom.js';
import { messageFor } from './frame.js';

export function availabilityBadge(
  app: App,
  lifetime: PageLifetime,
  person: { readonly primaryEmail: string; readonly name: { readonly fullName: string } },
): HTMLElement | null {
  if (!app.config.enabledIntegrations.includes('calendar')) return null;
  const region = h('div', { 'aria-live': 'polite', 'data-testid': 'availability' });
  let shown: { readonly email: string; readonly at: number } | undefined;
  let busy = false;

  const load = async (accessToken: string) => {
    busy = true;
    mount(region, loading('Checking their calendar…'));
    try {
      const now = new Date();
      const answer = await availability(bearerCall(accessToken), app.config.googleApis.calendar, person.primaryEmail, now);
      shown = { email: person.primaryEmail, at: now.getTime() };
      mount(region, describe(answer));
    } catch (error) {
      if (error instanceof GoogleApiError && error.kind === 'expired') app.access.invalidate(accessToken);
      mount(region, errorBox(messageFor(error)));
    } finally {
      busy = false;
    }
  };

  const update = () => {
    if (!app.prefs.isOn('calendar')) return mount(region);
    const access = app.access.access('calendar.read');
    if (access.kind === 'granted') {
      if (!shown && !busy) void load(access.token.accessToken);
      return;
    }
    shown = undefined;
    mount(
      region,
      h(
        'button',
        {
          type: 'button',
          class: 'link-button',
          disabled: !app.access.ready,
          onclick: () => void app.access.ensure(['calendar.read']).catch((error: unknown) => mount(region, errorBox(messageFor(error)))),
        },
        `Show whether ${person.name.fullName} is free now`,
      ),
    );
  };
  whileShown(lifetime, app.access.subscribe(update), app.prefs.subscribe(update));
  update();
  return region;
}

function describe(answer: Availability): HTMLElement {
  switch (answer.kind) {
    case 'busy':
      return h('p', { 'data-state': 'busy' }, h('span', { class: 'badge busy' }, 'Busy now'), ` until ${formatTime(answer.until)}`);
    case 'free':
      return h(
        'p',
        { 'data-state': 'free' },
        h('span', { class: 'badge free' }, 'Free now'),
        answer.until ? ` until ${formatTime(answer.until)}` : ' for the rest of the day',
      );
    case 'unknown':
      return h('p', { class: 'muted', 'data-state': 'unknown' }, 'Their calendar is not shared with you.');
  }
}
