import type { App, PageLifetime } from '../app.js';
import { loadMail, type MailView } from '../google/gmail.js';
import { empty, formatDateTime, h } from '../ui/dom.js';
import { mountWidget } from './frame.js';

export const MAIL_LATEST = 5;

export function mailWidget(app: App, lifetime: PageLifetime): HTMLElement {
  return mountWidget<MailView>(app, lifetime, {
    integration: 'gmail',
    description: 'Your unread count and the latest unread messages.',
    load: (call) => loadMail(call, app.config.googleApis.gmail, MAIL_LATEST, app.me.user.primaryEmail),
    render: (view, tools) =>
      h(
        'div',
        {},
        h('p', { class: 'big-number' }, h('span', { 'data-testid': 'unread-count' }, view.unread), ' unread in your inbox'),
        view.latest.length === 0
          ? empty('No unread mail. Nice.')
          : h(
              'ul',
              { class: 'list' },
              view.latest.map((m) =>
                h(
                  'li',
                  {},
                  h('a', { href: m.link, target: '_blank', rel: 'noopener noreferrer', class: 'item-title' }, m.subject),
                  h('span', { class: 'muted' }, `${m.from} · ${formatDateTime(m.date)}`),
                ),
              ),
            ),
        h('button', { type: 'button', class: 'link-button', onclick: () => tools.refresh() }, 'Refresh'),
      ),
  });
}
