import type { App, PageLifetime } from '../app.js';
import { api, ApiError } from '../api/backend.js';
import type { HeldChange, PendingDiff, Person, SyncProgress, SyncRun } from '../api/types.js';
import { avatar } from '../ui/avatar.js';
import { debounce, empty, errorBox, formatDateTime, formatShortDate, formatShortDateTime, h, loading, mount } from '../ui/dom.js';
import { pushPanel } from './push-panel.js';

const SVG = 'http://www.w3.org/2000/svg';
/** How often "Run sync now" asks whether its run has finished, and for how long at most. */
export const SYNC_POLL_MS = 1500;
const SYNC_POLL_LIMIT_MS = 20 * 60_000;

const STATUS_NAMES: Readonly<Record<SyncRun['status'], string>> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  refused: 'Refused by the deletion guard',
  'dry-run': 'Dry run',
};

const message = (error: unknown, what: string) =>
  errorBox(error instanceof ApiError ? error.message : `${what} could not be loaded. Try again.`);

export function adminPage(app: App, lifetime: PageLifetime): HTMLElement {
  if (!app.me.isAdmin) return h('div', {}, h('h1', {}, 'Admin'), errorBox('This page is for Workspace Bridge administrators.'));
  const runs = h('div', { 'aria-live': 'polite' });
  const chart = h('div', {});
  const pending = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite', 'data-testid': 'sync-progress' });
  const runButton = h('button', { type: 'button', onclick: () => void run(false) }, 'Run sync now');
  /** The newest run on screen: a run with another id is the one "Run sync now" started. */
  let newest: string | undefined;

  const load = async (): Promise<readonly SyncRun[]> => {
    api
      .pendingDiff()
      .then((diff) => mount(pending, diff ? pendingView(diff) : empty('No change is waiting for review.')))
      .catch((error: unknown) => mount(pending, message(error, 'The pending change')));
    try {
      const page = await api.syncRuns();
      newest = page.items[0]?.runId;
      mount(runs, page.items.length === 0 ? empty('No sync has run yet. Use "Run sync now".') : runTable(page.items));
      mount(chart, page.items.length < 2 ? empty('The chart appears after two runs.') : historyChart(page.items));
      return page.items;
    } catch (error) {
      mount(runs, message(error, 'Sync runs'));
      mount(chart);
      return [];
    }
  };

  /** Starts a run, then shows its phase and elapsed time until its record appears, then its outcome. */
  const run = async (force: boolean) => {
    const before = newest;
    const started = Date.now();
    runButton.disabled = true;
    const progress = h('progress', { 'aria-label': 'Sync progress' });
    const phase = h('span', { 'data-phase': 'starting' }, force ? 'Starting a forced run…' : 'Starting…');
    const elapsed = h('span', { class: 'muted' });
    mount(status, h('div', { class: 'progress', role: 'status' }, progress, phase, elapsed));
    const tick = setInterval(() => {
      elapsed.textContent = `${Math.round((Date.now() - started) / 1000)} s`;
    }, 1000);
    try {
      await api.runSync(force);
      phase.dataset.phase = 'running';
      phase.textContent = force ? 'Running, applying the held change…' : 'Running: fetching the directory and applying changes…';
      for (;;) {
        const [items, running] = await Promise.all([load(), api.syncProgress().catch(() => null)]);
        if (running && running.runId !== before) {
          phase.dataset.phase = running.phase;
          phase.textContent = progressText(running);
        }
        const done = items[0] && items[0].runId !== before ? items[0] : undefined;
        if (done) {
          mount(
            status,
            h(
              'p',
              { role: 'status', 'data-phase': 'finished', class: `status-${done.status}` },
              `Finished: ${STATUS_NAMES[done.status]}. ${countsText(done)}.`,
            ),
          );
          return;
        }
        if (Date.now() - started > SYNC_POLL_LIMIT_MS) {
          mount(status, errorBox('The run has not finished after 20 minutes. It continues in the background; reload this page later.'));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, SYNC_POLL_MS));
      }
    } catch (error) {
      mount(status, message(error, 'The sync'));
    } finally {
      clearInterval(tick);
      runButton.disabled = false;
    }
  };

  const pendingView = (diff: PendingDiff) =>
    h(
      'div',
      { class: 'notice' },
      h('p', {}, h('strong', {}, `The sync of ${formatDateTime(diff.refusedAt)} was held back: `), diff.reason),
      h(
        'p',
        {},
        `It would create ${diff.counts.created}, update ${diff.counts.updated} and delete ${diff.counts.deleted} users and groups.`,
      ),
      heldKinds(diff),
      diff.truncated ? h('p', { class: 'muted' }, 'More deletions than listed here.') : null,
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            if (confirm('Apply this change to the directory?')) void run(true);
          },
        },
        'Apply anyway (force)',
      ),
    );

  void load();
  return h(
    'div',
    {},
    h('h1', {}, 'Admin'),
    h('section', {}, h('h2', {}, 'Directory sync'), runButton, status, runs),
    h('section', { 'aria-labelledby': 'push-heading' }, h('h2', { id: 'push-heading' }, 'Push-driven sync'), pushPanel(lifetime)),
    h('section', {}, h('h2', {}, 'Sync history'), chart),
    h('section', {}, h('h2', {}, 'Held change'), pending),
    h('section', {}, h('h2', {}, 'End a person\u2019s sessions'), sessionRevoker()),
  );
}

function countsText(run: SyncRun): string {
  const c = run.counts;
  return (
    `${c.fetched} fetched, ${c.created} created, ${c.updated} updated, ${c.deleted} deleted; ` +
    `memberships +${run.memberships.added} −${run.memberships.removed}`
  );
}

/** What the running sync is doing, from its checkpoint: the phase and its counts so far. */
export function progressText(progress: SyncProgress): string {
  const work =
    `${progress.apiCalls} Google calls, ` +
    `${progress.itemWrites} items written${progress.invocations > 1 ? `, ${progress.invocations} invocations` : ''}`;
  if (progress.phase === 'fetching') return `Fetching the directory: ${progress.stagedChunks} pages so far (${work})…`;
  const c = progress.counts;
  return `Applying${c ? ` ${c.created} new, ${c.updated} changed and ${c.deleted} deleted users and groups` : ' the changes'} (${work})…`;
}

const HELD_KIND_TITLES: Readonly<Record<HeldChange['kind'], string>> = {
  'users-deleted': 'Users deleted',
  'groups-deleted': 'Groups deleted',
  'users-suspended': 'Users suspended or archived',
  'groups-changed': 'Groups changed',
  'memberships-changed': 'Group memberships changed',
};

/** The held diff by kind, each collapsed with its count in the summary (a diff held before kinds were recorded lists its deletions). */
export function heldKinds(diff: PendingDiff): HTMLElement {
  const kinds: readonly HeldChange[] = diff.kinds ?? [
    { kind: 'users-deleted', count: diff.deletedUsers.length, samples: diff.deletedUsers },
    { kind: 'groups-deleted', count: diff.deletedGroups.length, samples: diff.deletedGroups },
  ];
  return h(
    'div',
    {},
    kinds
      .filter((k) => k.count > 0)
      .map((k) =>
        h(
          'details',
          { class: 'more', 'data-kind': k.kind },
          h('summary', {}, `${HELD_KIND_TITLES[k.kind]} (${k.count})`),
          h(
            'ul',
            { class: 'list' },
            k.samples.map((i) => h('li', {}, i.email)),
          ),
          k.samples.length < k.count ? h('p', { class: 'muted' }, `and ${k.count - k.samples.length} more`) : null,
        ),
      ),
  );
}

const COUNT_COLUMNS = ['fetched', 'created', 'updated', 'unchanged', 'deleted'] as const;

function runTable(items: readonly SyncRun[]): HTMLElement {
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'cards' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Started', 'Status', ...COUNT_COLUMNS, 'Memberships ±', 'Errors'].map((k) => h('th', { scope: 'col' }, k)),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((r) =>
          h(
            'tr',
            {},
            h('td', { 'data-label': 'Started' }, formatDateTime(r.startedAt)),
            h('td', { 'data-label': 'Status', class: `status-${r.status}` }, r.forced ? `${r.status} (forced)` : r.status),
            COUNT_COLUMNS.map((k) => h('td', { class: 'number', 'data-label': k }, r.counts[k])),
            h('td', { class: 'number', 'data-label': 'Memberships ±' }, `+${r.memberships.added} −${r.memberships.removed}`),
            h(
              'td',
              { 'data-label': 'Errors' },
              r.errors.length
                ? h(
                    'ul',
                    { class: 'plain' },
                    r.errors.map((e) => h('li', {}, `${e.code}: ${e.message}`)),
                  )
                : '—',
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * The runs on a time axis (SVG built with DOM calls: no inline styles): one dot per run coloured by
 * its status, on a line of the users and groups it fetched, with dated ticks and a legend that
 * names every status shown.
 */
export function historyChart(items: readonly SyncRun[]): Element {
  const runs = [...items].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-30);
  const value = (r: SyncRun) => r.counts.fetched;
  const what = 'users and groups fetched';
  const width = 640;
  const height = 220;
  const left = 48;
  const right = 16;
  const top = 12;
  const bottom = 36;
  const times = runs.map((r) => Date.parse(r.startedAt));
  const first = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - first);
  const max = Math.max(1, ...runs.map(value));
  const x = (t: number) => left + ((t - first) * (width - left - right)) / span;
  const y = (v: number) => height - bottom - (v * (height - top - bottom)) / max;
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text) node.textContent = text;
    return node;
  };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-labelledby': 'chart-title' });
  const counts = new Map<SyncRun['status'], number>();
  for (const r of runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  svg.append(
    el(
      'title',
      { id: 'chart-title' },
      `${runs.length} sync runs from ${formatDateTime(runs[0]!.startedAt)} to ` +
        `${formatDateTime(runs.at(-1)!.startedAt)}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}; ` +
        `latest ${value(runs.at(-1)!)} ${what}`,
    ),
  );
  for (const v of [0, max / 2, max]) {
    svg.append(el('line', { x1: left, y1: y(v), x2: width - right, y2: y(v), class: v === 0 ? 'axis' : 'grid' }));
    svg.append(el('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'tick' }, String(Math.round(v))));
  }
  for (const tick of timeTicks(first, first + span)) {
    svg.append(el('line', { x1: x(tick.at), y1: height - bottom, x2: x(tick.at), y2: height - bottom + 5, class: 'axis' }));
    // Labels at either end align inwards, so none is cut off by the chart's edge.
    const anchor = x(tick.at) < left + 40 ? 'start' : x(tick.at) > width - right - 40 ? 'end' : 'middle';
    svg.append(el('text', { x: x(tick.at), y: height - bottom + 20, 'text-anchor': anchor, class: 'tick' }, tick.label));
  }
  svg.append(el('polyline', { points: runs.map((r, i) => `${x(times[i]!)},${y(value(r))}`).join(' '), class: 'line' }));
  runs.forEach((r, i) => {
    const dot = el('circle', { cx: x(times[i]!), cy: y(value(r)), r: 5, class: `status-${r.status}`, 'data-status': r.status });
    dot.append(el('title', {}, `${formatDateTime(r.startedAt)}: ${STATUS_NAMES[r.status]}, ${value(r)} ${what}`));
    svg.append(dot);
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    h('li', { class: 'key line-key' }, h('span', {}, what)),
    [...counts].map(([s, n]) => h('li', { class: `key status-${s}`, 'data-status': s }, h('span', {}, `${STATUS_NAMES[s]} (${n})`))),
  );
  const box = h('figure', {}, legend);
  box.prepend(svg);
  return box;
}

const DAY_MS = 86_400_000;

/** Dated ticks for the time axis: up to five midnights over two days or more, else four dated times. */
function timeTicks(from: number, to: number): Array<{ at: number; label: string }> {
  if (to - from < 2 * DAY_MS) {
    return [0, 1, 2, 3].map((i) => from + (i * (to - from)) / 3).map((at) => ({ at, label: formatShortDateTime(new Date(at)) }));
  }
  const day = new Date(from);
  const days: number[] = [];
  for (
    let d = new Date(day.getFullYear(), day.getMonth(), day.getDate() + 1);
    d.getTime() <= to;
    d = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1)
  )
    days.push(d.getTime());
  const step = Math.ceil(days.length / 5);
  return days.filter((_, i) => i % step === 0).map((at) => ({ at, label: formatShortDate(new Date(at)) }));
}

/** Find a person by name or email and end every session they have (POST /api/admin/users/{id}/sessions/revoke). */
function sessionRevoker(): HTMLElement {
  const input = h('input', { id: 'revoke-search', type: 'search', autocomplete: 'off', placeholder: 'Name or email' });
  const results = h('div', { 'aria-live': 'polite' });
  let latest = 0;
  const revoke = (person: Person, outcome: HTMLElement) => {
    if (!confirm(`End every session of ${person.name.fullName}? They will have to sign in again.`)) return;
    mount(outcome, loading('Ending sessions…'));
    api
      .revokeSessions(person.id)
      .then((answer) =>
        mount(
          outcome,
          h('span', { class: 'success', role: 'status' }, `Ended ${answer.revoked} session${answer.revoked === 1 ? '' : 's'}.`),
        ),
      )
      .catch((error: unknown) => mount(outcome, message(error, 'The sessions')));
  };
  const search = debounce((text: string) => {
    const ticket = ++latest;
    if (!text) return mount(results);
    mount(results, loading('Searching…'));
    api
      .people({ q: text })
      .then((page) => {
        if (ticket !== latest) return;
        mount(
          results,
          page.items.length === 0
            ? empty('Nobody matches.')
            : h(
                'ul',
                { class: 'list' },
                page.items.slice(0, 10).map((p) => {
                  const outcome = h('span', {});
                  return h(
                    'li',
                    { class: 'with-avatar' },
                    avatar(p, 'small'),
                    h(
                      'div',
                      { class: 'item-text' },
                      h('span', { class: 'item-title' }, p.name.fullName),
                      h('span', { class: 'muted' }, p.primaryEmail),
                      h(
                        'span',
                        { class: 'row' },
                        h('button', { type: 'button', class: 'danger', onclick: () => revoke(p, outcome) }, 'End all sessions'),
                        outcome,
                      ),
                    ),
                  );
                }),
              ),
        );
      })
      .catch((error: unknown) => {
        if (ticket === latest) mount(results, message(error, 'People'));
      });
  }, 250);
  input.addEventListener('input', () => search(input.value.trim()));
  return h(
    'div',
    {},
    h('p', { class: 'muted' }, 'For a lost laptop or a departure: the person is signed out everywhere at once.'),
    h('label', { for: 'revoke-search' }, 'Find a person'),
    input,
    results,
  );
}
