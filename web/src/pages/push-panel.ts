/**
 * The admin page's push-driven sync panel (GET /api/admin/push): whether each of Google's feeds has
 * a live notification channel and until when, the last notification, the changes applied and their
 * lag, what the scheduled full sync does because of it (daily reconciliation, or the hourly fallback
 * when push is failing or off), and what the last reconciliation repaired. Refreshes itself every
 * 30 s while the tab is visible, and at once when the tab comes back after that long.
 */
import { whileShown, type PageLifetime } from '../app.js';
import { api, ApiError } from '../api/backend.js';
import type { FeedHealth, PushStatus, Reconciliation } from '../api/types.js';
import { errorBox, formatDateTime, formatDuration, formatRelative, h, loading, mount } from '../ui/dom.js';

export const PUSH_REFRESH_MS = 30_000;

const FEED_NAMES: Readonly<Record<FeedHealth['feed'], { readonly title: string; readonly source: string }>> = {
  users: { title: 'People', source: 'Directory users.watch' },
  admin: { title: 'Groups and admin changes', source: 'Reports activities: admin' },
  groups_enterprise: { title: 'Memberships changed in Google Groups', source: 'Reports activities: groups_enterprise' },
};

/** The panel's verdict: push off, push failing (hourly fallback), or live (daily reconciliation). */
export type PushState = 'off' | 'failing' | 'live';

export function pushState(status: PushStatus): PushState {
  if (!status.enabled) return 'off';
  return status.healthy ? 'live' : 'failing';
}

/** The panel's first line, the one an admin reads first. */
export function pushHeadline(status: PushStatus): string {
  switch (pushState(status)) {
    case 'off':
      return 'Push is off: changes in Google arrive with the hourly full sync.';
    case 'failing':
      return 'Push is failing: the full sync has fallen back to every hour.';
    case 'live':
      return 'Push is live: changes in Google arrive within seconds; the full sync reconciles once a day.';
  }
}

/** What the last reconciliation repaired, in one sentence. */
export function gapText(gap: Reconciliation): string {
  const changed = gap.created + gap.updated + gap.deleted;
  const memberships = gap.memberships.added + gap.memberships.removed;
  if (changed === 0 && memberships === 0) return 'Nothing was missing: every change had arrived by push.';
  return (
    `Repaired what notifications missed: ${gap.created} created, ` +
    `${gap.updated} updated and ${gap.deleted} deleted users and groups; ` +
    `memberships +${gap.memberships.added} −${gap.memberships.removed}.`
  );
}

export function pushPanel(lifetime: PageLifetime): HTMLElement {
  const body = h('div', { 'data-testid': 'push-health', 'aria-busy': 'true' }, loading('Loading push health…'));
  // Not a live region: a refresh every 30 s must not talk over a screen reader; aria-busy marks the update.
  const updated = h('span', { class: 'muted small' });
  const refreshButton = h('button', { type: 'button', class: 'link-button', 'data-testid': 'push-refresh' }, 'Refresh');
  let lastLoaded = 0;
  let inFlight = false;

  const refresh = async () => {
    if (inFlight) return;
    inFlight = true;
    refreshButton.disabled = true;
    body.setAttribute('aria-busy', 'true');
    updated.textContent = 'Updating…';
    try {
      const status = await api.pushStatus();
      if (lifetime.aborted) return;
      lastLoaded = Date.now();
      mount(body, pushView(status, new Date(lastLoaded)));
      updated.textContent = `Updated ${formatDateTime(new Date(lastLoaded))}`;
    } catch (error) {
      mount(body, errorBox(error instanceof ApiError ? error.message : 'Push health could not be loaded. Try again.'));
      updated.textContent = '';
    } finally {
      inFlight = false;
      refreshButton.disabled = false;
      body.setAttribute('aria-busy', 'false');
    }
  };

  refreshButton.addEventListener('click', () => void refresh());
  // A hidden tab asks nothing; coming back after a refresh was due catches up at once.
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refresh();
  }, PUSH_REFRESH_MS);
  const onVisible = () => {
    if (document.visibilityState === 'visible' && Date.now() - lastLoaded >= PUSH_REFRESH_MS) void refresh();
  };
  document.addEventListener('visibilitychange', onVisible);
  whileShown(
    lifetime,
    () => clearInterval(timer),
    () => document.removeEventListener('visibilitychange', onVisible),
  );
  void refresh();
  return h('div', {}, h('p', { class: 'row' }, updated, refreshButton), body);
}

function pushView(status: PushStatus, now: Date): HTMLElement {
  const state = pushState(status);
  const headline = h(
    'div',
    { class: `push-state push-${state}`, 'data-state': state },
    h('p', {}, h('strong', {}, pushHeadline(status))),
    state === 'live' ? null : h('p', {}, status.fullSync.reason),
    status.channelsPastExpiry > 0
      ? h(
          'p',
          {},
          `${status.channelsPastExpiry} channel${status.channelsPastExpiry === 1 ? ' is' : 's are'} past expiry: ` +
            `the channel manager did not renew ${status.channelsPastExpiry === 1 ? 'it' : 'them'}.`,
        )
      : null,
  );
  if (state === 'off') return h('div', {}, headline, fullSyncFacts(status, now));
  return h(
    'div',
    {},
    headline,
    h('h3', {}, 'Feeds'),
    h(
      'ul',
      { class: 'feeds' },
      status.feeds.map((feed) => feedCard(feed, now)),
    ),
    h('h3', {}, 'Changes applied by push'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Last hour'),
      h('dd', { 'data-testid': 'push-applied-hour' }, String(status.appliedLastHour)),
      h('dt', {}, 'Last day'),
      h('dd', { 'data-testid': 'push-applied-day' }, String(status.appliedLastDay)),
      h('dt', {}, 'Lag'),
      h(
        'dd',
        {},
        status.lagP50Ms === undefined || status.lagP95Ms === undefined
          ? 'No change applied in the last day.'
          : `p50 ${formatDuration(status.lagP50Ms)}, p95 ${formatDuration(status.lagP95Ms)}, from the change in Google to applied here (last day)`,
      ),
    ),
    fullSyncFacts(status, now),
  );
}

function feedCard(feed: FeedHealth, now: Date): HTMLElement {
  const names = FEED_NAMES[feed.feed];
  return h(
    'li',
    { class: 'feed', 'data-feed': feed.feed, 'data-live': String(feed.live) },
    h('p', { class: 'feed-title' }, h('span', { class: 'item-title' }, names.title), ' ', liveBadge(feed.live)),
    h('p', { class: 'muted small' }, names.source),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Channel expires'),
      h('dd', {}, feed.live && feed.expiresAt ? when(feed.expiresAt, now) : 'No live channel'),
      h('dt', {}, 'Last notification'),
      h('dd', {}, feed.lastMessageAt ? when(feed.lastMessageAt, now) : 'None yet'),
    ),
  );
}

function liveBadge(live: boolean): HTMLElement {
  return h('span', { class: `badge ${live ? 'live' : 'down'}` }, live ? 'Live' : 'Not live');
}

/** "in 5 hours (7 Dec 2026, 06:10)": relative first, then the absolute time in the viewer's locale. */
function when(iso: string, now: Date): HTMLElement {
  return h('time', { datetime: iso }, `${formatRelative(iso, now)} (${formatDateTime(iso)})`);
}

function fullSyncFacts(status: PushStatus, now: Date): HTMLElement {
  const { fullSync } = status;
  const gap = fullSync.lastReconciliation;
  return h(
    'div',
    {},
    h('h3', {}, 'Full sync'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Schedule'),
      h(
        'dd',
        { 'data-testid': 'push-full-sync', 'data-schedule': fullSync.schedule },
        fullSync.schedule === 'daily' ? 'Daily reconciliation' : h('strong', {}, 'Every hour (fallback)'),
      ),
      h('dt', {}, 'Last success'),
      h('dd', {}, fullSync.lastSucceededAt ? when(fullSync.lastSucceededAt, now) : 'None yet'),
      h('dt', {}, 'Last reconciliation'),
      h(
        'dd',
        { 'data-testid': 'push-gap' },
        gap
          ? h('span', {}, when(gap.startedAt, now), ': ', gapText(gap))
          : 'None yet: no full sync has run while every feed had a live channel.',
      ),
    ),
  );
}
