import type { App } from '../app.js';
import { api, ApiError } from '../api/backend.js';
import type { PendingDiff, SyncRun } from '../api/types.js';
import { empty, errorBox, formatDateTime, h, loading, mount } from '../ui/dom.js';

const SVG = 'http://www.w3.org/2000/svg';

export function adminPage(app: App): HTMLElement {
  if (!app.me.isAdmin) return h('div', {}, h('h1', {}, 'Admin'), errorBox('This page is for Workspace Bridge administrators.'));
  const runs = h('div', { 'aria-live': 'polite' });
  const chart = h('div', {});
  const pending = h('div', { 'aria-live': 'polite' });
  const status = h('div', { 'aria-live': 'polite' });

  const message = (error: unknown, what: string) => errorBox(error instanceof ApiError ? error.message : `${what} could not be loaded. Try again.`);
  const load = () => {
    mount(runs, loading('Loading sync runs…'));
    api.syncRuns()
      .then((page) => {
        mount(runs, page.items.length === 0 ? empty('No sync has run yet. Use "Run sync now".') : runTable(page.items));
        mount(chart, page.items.length < 2 ? empty('The chart appears after two runs.') : trendChart(page.items));
      })
      .catch((error: unknown) => { mount(runs, message(error, 'Sync runs')); mount(chart); });
    api.pendingDiff()
      .then((diff) => mount(pending, diff ? pendingView(diff) : empty('No change is waiting for review.')))
      .catch((error: unknown) => mount(pending, message(error, 'The pending change')));
  };
  const run = (force: boolean) => {
    mount(status, loading(force ? 'Applying the held change…' : 'Starting a sync…'));
    api.runSync(force)
      .then(() => { mount(status, h('p', { class: 'success', role: 'status' }, force ? 'Sync started with force: the held change will be applied.' : 'Sync started. Refresh the list in a minute to see the run.')); load(); })
      .catch((error: unknown) => mount(status, message(error, 'The sync')));
  };
  const deletions = (title: string, items: PendingDiff['deletedUsers']) => items?.length
    ? h('div', {}, h('h3', {}, title), h('ul', { class: 'list' }, items.map((i) => h('li', {}, i.email))))
    : null;
  const pendingView = (diff: PendingDiff) => h('div', { class: 'notice' },
    h('p', {}, h('strong', {}, `The sync of ${formatDateTime(diff.refusedAt)} was held back: `), diff.reason),
    diff.counts ? h('ul', { class: 'plain' }, Object.entries(diff.counts).map(([k, v]) => h('li', {}, `${k}: ${v}`))) : null,
    deletions('Users it would delete', diff.deletedUsers),
    deletions('Groups it would delete', diff.deletedGroups),
    diff.truncated ? h('p', { class: 'muted' }, 'More deletions than listed here.') : null,
    h('button', { type: 'button', class: 'danger', onclick: () => { if (confirm('Apply this change to the directory?')) run(true); } }, 'Apply anyway (force)'));

  load();
  return h('div', {},
    h('h1', {}, 'Admin'),
    h('section', {}, h('h2', {}, 'Directory sync'), h('button', { type: 'button', onclick: () => run(false) }, 'Run sync now'), status, runs),
    h('section', {}, h('h2', {}, 'Users and groups over the last runs'), chart),
    h('section', {}, h('h2', {}, 'Held change'), pending));
}

const COUNT_COLUMNS = ['fetched', 'created', 'updated', 'unchanged', 'deleted'] as const;

function runTable(items: readonly SyncRun[]): HTMLElement {
  return h('div', { class: 'table-scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Started', 'Status', ...COUNT_COLUMNS, 'Memberships ±', 'Errors'].map((k) => h('th', { scope: 'col' }, k)))),
    h('tbody', {}, items.map((r) => h('tr', {},
      h('td', {}, formatDateTime(r.startedAt)), h('td', {}, r.forced ? `${r.status} (forced)` : r.status),
      COUNT_COLUMNS.map((k) => h('td', { class: 'number' }, r.counts[k])),
      h('td', { class: 'number' }, `+${r.memberships.added} −${r.memberships.removed}`),
      h('td', {}, r.errors.length ? h('ul', { class: 'plain' }, r.errors.map((e) => h('li', {}, `${e.code}: ${e.message}`))) : '—'))))));
}

/**
 * Users and groups per run as a small line chart (SVG built with DOM calls: no inline styles). Run
 * records without `totals` give the directory objects fetched (users and groups together) and the
 * objects changed instead, and the legend says so.
 */
export function trendChart(items: readonly SyncRun[]): Element {
  const runs = [...items].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-20);
  const series = runs.every((r) => r.totals)
    ? [{ key: 'users', values: runs.map((r) => r.totals!.users) }, { key: 'groups', values: runs.map((r) => r.totals!.groups) }]
    : [
      { key: 'users and groups fetched', values: runs.map((r) => r.counts.fetched) },
      { key: 'changed', values: runs.map((r) => r.counts.created + r.counts.updated + r.counts.deleted) },
    ];
  const width = 600;
  const height = 200;
  const pad = 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, runs.length - 1);
  const y = (v: number) => height - pad - (v * (height - 2 * pad)) / max;
  const el = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text) node.textContent = text;
    return node;
  };
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart', 'aria-labelledby': 'chart-title' });
  const latest = series.map((s) => `${s.key} ${s.values.at(-1) ?? 0}`).join(', ');
  svg.append(el('title', { id: 'chart-title' }, `Users and groups over the last ${runs.length} runs; latest: ${latest}`));
  svg.append(el('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: 'axis' }));
  svg.append(el('text', { x: 2, y: pad, class: 'tick' }, String(max)));
  series.forEach((s, i) => svg.append(el('polyline', { points: s.values.map((v, j) => `${x(j)},${y(v)}`).join(' '), class: `line series-${i}`, fill: 'none' })));
  const legend = h('p', { class: 'legend' }, series.map((s, i) => h('span', { class: `key series-${i}` }, `${s.key}: ${s.values.at(-1) ?? 0}`)));
  const box = h('figure', {}, legend);
  box.prepend(svg);
  return box;
}
