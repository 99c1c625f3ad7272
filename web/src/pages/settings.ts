import { INTEGRATION_NAMES, whileShown, type App, type PageLifetime } from '../app.js';
import { api, ApiError } from '../api/backend.js';
import type { Session } from '../api/types.js';
import { allows, LEDGER } from '../google/scopes.js';
import { empty, errorBox, formatDateTime, h, loading, mount } from '../ui/dom.js';

export function settingsPage(app: App, lifetime: PageLifetime): HTMLElement {
  const integrations = h('div', {});
  const ledger = h('div', { 'aria-live': 'polite' });
  const sessions = h('div', { 'aria-live': 'polite' });
  const disconnectStatus = h('div', { 'aria-live': 'polite' });

  const renderIntegrations = () =>
    mount(
      integrations,
      app.config.enabledIntegrations.length === 0
        ? empty('Your administrator has not turned on any Google integration.')
        : h(
            'ul',
            { class: 'plain' },
            app.config.enabledIntegrations.map((i) => {
              const box = h('input', { type: 'checkbox', role: 'switch', id: `setting-${i}`, checked: app.prefs.isOn(i) });
              box.addEventListener('change', () => app.prefs.set(i, box.checked));
              return h('li', {}, h('label', { for: `setting-${i}`, class: 'inline' }, box, ` ${INTEGRATION_NAMES[i]}`));
            }),
          ),
    );

  const renderLedger = () => {
    const granted = app.access.granted();
    const connected = granted.size > 0;
    mount(
      ledger,
      h(
        'p',
        { class: 'muted' },
        connected
          ? 'Permissions Google granted this page (the token lives only in this tab, in memory).'
          : 'Not connected to Google in this tab. Permissions are asked only when a widget or action needs them.',
      ),
      h(
        'table',
        { class: 'ledger cards' },
        h('caption', { class: 'visually-hidden' }, 'Google permissions this intranet can ask for'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Permission'),
            h('th', { scope: 'col' }, 'Why'),
            h('th', { scope: 'col' }, 'Asked'),
            h('th', { scope: 'col' }, 'Status'),
          ),
        ),
        h(
          'tbody',
          {},
          LEDGER.filter((e) => app.config.enabledIntegrations.includes(e.integration)).map((e) => {
            const ok = allows(granted, e.feature);
            return h(
              'tr',
              { 'data-scope': e.scope },
              h(
                'th',
                { scope: 'row' },
                e.label,
                h('br', {}),
                h('code', { class: 'small' }, e.scope.replace('https://www.googleapis.com/auth/', '')),
              ),
              h('td', { 'data-label': 'Why' }, e.reason),
              h('td', { 'data-label': 'Asked' }, e.askedWhen),
              h('td', { class: ok ? 'granted' : 'muted', 'data-label': 'Status' }, ok ? 'Granted' : 'Not granted'),
            );
          }),
        ),
      ),
      // Usable without a token too: grants from earlier visits outlive a reload, so the user must be able to revoke them.
      h('button', { type: 'button', class: 'danger', disabled: !app.access.ready, onclick: () => void disconnect() }, 'Disconnect Google'),
      connected
        ? null
        : h(
            'p',
            { class: 'muted small' },
            "Without a connection in this tab, Google's window opens to confirm your account, then every permission is revoked. " +
              'You can also remove this intranet at ',
            h(
              'a',
              { href: 'https://myaccount.google.com/permissions', target: '_blank', rel: 'noopener noreferrer' },
              'myaccount.google.com/permissions',
            ),
            '.',
          ),
      disconnectStatus,
    );
  };

  const disconnect = async () => {
    mount(disconnectStatus, loading('Revoking…'));
    try {
      await app.access.disconnect();
    } catch (error: unknown) {
      mount(disconnectStatus, errorBox(error instanceof Error ? error.message : 'Google could not be reached. Try again.'));
      return;
    }
    mount(
      disconnectStatus,
      h(
        'p',
        { class: 'success', role: 'status' },
        'Disconnected: Google revoked every permission this intranet had. Widgets ask again when you use them.',
      ),
    );
  };

  const loadSessions = () => {
    mount(sessions, loading('Loading your sessions…'));
    api
      .sessions()
      .then((list) =>
        mount(
          sessions,
          list.length === 0
            ? empty('No active session.')
            : h(
                'ul',
                { class: 'list' },
                list.map((s) => sessionItem(s)),
              ),
        ),
      )
      .catch((error: unknown) => mount(sessions, errorBox(error instanceof ApiError ? error.message : 'Sessions could not be loaded.')));
  };
  const sessionItem = (s: Session) =>
    h(
      'li',
      {},
      h('span', { class: 'item-title' }, `${s.device || 'Unknown browser'}${s.current ? ' (this browser)' : ''}`),
      h(
        'span',
        { class: 'muted' },
        `Signed in ${formatDateTime(s.createdAt)} · last active ${formatDateTime(s.lastSeenAt)} · ends ${formatDateTime(s.expiresAt)}`,
      ),
      s.current
        ? null
        : h(
            'button',
            { type: 'button', class: 'link-button', onclick: () => void api.endSession(s.id).then(loadSessions, loadSessions) },
            'End this session',
          ),
    );

  whileShown(lifetime, app.access.subscribe(renderLedger), app.prefs.subscribe(renderIntegrations));
  renderIntegrations();
  renderLedger();
  loadSessions();
  return h(
    'div',
    {},
    h('h1', {}, 'Settings'),
    h('section', {}, h('h2', {}, 'Google integrations'), integrations),
    h('section', {}, h('h2', {}, 'Google permissions'), ledger),
    h(
      'section',
      {},
      h('h2', {}, 'Your sessions'),
      sessions,
      h(
        'button',
        { type: 'button', class: 'danger', onclick: () => void api.logoutEverywhere().finally(() => location.assign('/')) },
        'Sign out everywhere',
      ),
    ),
  );
}
