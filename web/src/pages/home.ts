import type { App, PageLifetime } from '../app.js';
import { h } from '../ui/dom.js';
import { calendarWidget } from '../widgets/calendar.js';
import { driveWidget } from '../widgets/drive.js';
import { mailWidget } from '../widgets/mail.js';

const WIDGETS = { gmail: mailWidget, drive: driveWidget, calendar: calendarWidget } as const;

export function homePage(app: App, lifetime: PageLifetime): HTMLElement {
  const enabled = app.config.enabledIntegrations;
  return h(
    'div',
    {},
    h('h1', {}, `Welcome, ${app.me.user.name.givenName || app.me.user.name.fullName}`),
    enabled.length === 0
      ? h('p', { class: 'muted' }, 'Your administrator has not turned on any Google integration.')
      : h(
          'p',
          { class: 'muted' },
          'Turn on the Google widgets you want. Each asks Google only for what it needs; Settings lists every permission.',
        ),
    h(
      'div',
      { class: 'widgets' },
      enabled.map((integration) => WIDGETS[integration](app, lifetime)),
    ),
  );
}
