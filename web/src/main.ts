/**
 * Start-up: runtime config and the session in parallel, then either the sign-in page or the app
 * shell with its router. Google Identity Services loads in the background for users with
 * integrations, so the first paint never waits for Google.
 */
import './styles.css';
import { api, ApiError, loginUrl, sessionEnded } from './api/backend.js';
import type { Me, WebConfig } from './api/types.js';
import { IntegrationPrefs, type App, type PageLifetime } from './app.js';
import { GoogleAccess } from './google/access.js';
import { createGis, loadGis } from './google/gis.js';
import { adminPage } from './pages/admin.js';
import { homePage } from './pages/home.js';
import { groupPage, groupsPage, peoplePage, personPage } from './pages/people.js';
import { orgPage } from './pages/org.js';
import { settingsPage } from './pages/settings.js';
import { errorBox, h, link, loading, mount } from './ui/dom.js';
import { startRouter, type RouteMatch } from './ui/router.js';

const root = document.getElementById('app')!;

async function start(): Promise<void> {
  let config: WebConfig;
  let me: Me | undefined;
  try {
    [config, me] = await Promise.all([api.config(), api.me()]);
  } catch (error) {
    mount(
      root,
      h(
        'main',
        { id: 'main', class: 'page' },
        errorBox(error instanceof ApiError ? error.message : 'The intranet could not start. Reload the page.'),
      ),
    );
    return;
  }
  if (!me) return signedOut();
  const enabled = config.enabledIntegrations.filter((i) => me.integrations.includes(i));
  const effective: WebConfig = { ...config, enabledIntegrations: enabled };
  const access = new GoogleAccess();
  if (enabled.length > 0) {
    loadGis(config.gsiScriptUrl)
      .then((oauth2) => access.attach(createGis(oauth2, config.clientId, me.user.primaryEmail)))
      .catch((error: unknown) =>
        access.unavailable(error instanceof Error ? error.message : 'Google sign-in could not be loaded. Reload the page.'),
      );
  }
  const main = h('main', { id: 'main', class: 'page', tabindex: -1 });
  const app: App = { config: effective, me, access, prefs: new IntegrationPrefs(me.user.id, enabled) };
  mount(root, h('a', { href: '#main', class: 'skip' }, 'Skip to content'), header(app), main);
  sessionEnded.addEventListener(
    'ended',
    () => {
      access.forget();
      signedOut('Your session has ended: you were signed out on another device, or an administrator ended your sessions.');
    },
    { once: true },
  );
  startRouter((route) => void show(app, route, main));
}

const PAGES: Record<string, (app: App, id: string, lifetime: PageLifetime) => HTMLElement | Promise<HTMLElement>> = {
  home: (app, _id, lifetime) => homePage(app, lifetime),
  people: (app) => peoplePage(app),
  person: (app, id, lifetime) => personPage(app, id, lifetime),
  groups: (app) => groupsPage(app),
  group: (app, id) => groupPage(app, id),
  org: (app, id) => orgPage(app, id),
  settings: (app, _id, lifetime) => settingsPage(app, lifetime),
  admin: (app, _id, lifetime) => adminPage(app, lifetime),
};

let shown = 0;
let current = new AbortController();
async function show(app: App, route: RouteMatch, main: HTMLElement): Promise<void> {
  const ticket = ++shown;
  current.abort();
  current = new AbortController();
  const lifetime = current.signal;
  for (const a of document.querySelectorAll('nav a')) {
    if (a instanceof HTMLAnchorElement && a.pathname === location.pathname) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const page = PAGES[route.name];
  if (!page) {
    mount(main, h('h1', {}, 'Page not found'), h('p', {}, link('/', 'Go to the home page')));
    return;
  }
  mount(main, loading());
  const content = await page(app, route.params.id ?? '', lifetime);
  if (ticket !== shown) return;
  mount(main, content);
  document.title = `${content.querySelector('h1')?.textContent ?? 'Intranet'} · Workspace Bridge`;
  if (route.name !== 'home' && route.name !== 'people' && route.name !== 'groups') main.focus();
}

function header(app: App): HTMLElement {
  const signOut = () => {
    app.access.forget();
    void api.logout().finally(() => location.assign('/'));
  };
  return h(
    'header',
    { class: 'top' },
    h('a', { href: '/', 'data-route': true, class: 'brand' }, 'Workspace Bridge'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        {},
        h('li', {}, link('/', 'Home')),
        h('li', {}, link('/people', 'People')),
        h('li', {}, link('/groups', 'Groups')),
        h('li', {}, link('/org', 'Org chart')),
        h('li', {}, link('/settings', 'Settings')),
        app.me.isAdmin ? h('li', {}, link('/admin', 'Admin')) : null,
      ),
    ),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'muted email', title: app.me.user.primaryEmail }, app.me.user.primaryEmail),
      h('button', { type: 'button', onclick: signOut }, 'Sign out'),
    ),
  );
}

/** The signed-out page; `ended` says why a signed-in page was replaced by it (once, with the sign-in link). */
function signedOut(ended?: string): void {
  const returnTo = location.pathname + location.search;
  mount(
    root,
    h(
      'main',
      { id: 'main', class: 'page signin' },
      h('h1', {}, 'Workspace Bridge'),
      ended ? h('p', { class: 'notice', role: 'status', 'data-state': 'session-ended' }, ended) : null,
      h('p', {}, 'Your company intranet: colleagues, groups, and your mail, files and meetings at a glance.'),
      h('a', { href: loginUrl(returnTo), class: 'button primary', id: 'sign-in' }, 'Sign in with Google'),
    ),
  );
}

void start();
