/**
 * A few lines instead of a framework: `h` builds elements with text nodes only (never innerHTML,
 * so data from Google or the directory cannot inject markup), and `mount` swaps a region.
 */
type Child = Node | string | number | false | null | undefined;
type Children = Child | readonly Children[];
type Props = Record<string, string | number | boolean | EventListener | undefined> & { class?: string };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Children[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Children[]): void {
  for (const child of children) {
    if (Array.isArray(child)) append(parent, child as readonly Children[]);
    else if (child instanceof Node) parent.appendChild(child);
    else if (child !== false && child !== null && child !== undefined) parent.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces the region's content. */
export function mount(region: Element, ...children: Children[]): void {
  region.replaceChildren();
  append(region, children);
}

export function loading(text = 'Loading…'): HTMLElement {
  return h('p', { class: 'status', role: 'status' }, text);
}

export function errorBox(message: string, action?: HTMLElement): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, message), action);
}

export function empty(text: string): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

// The viewer's locale (undefined = the browser's languages) decides order, names and the 12- or
// 24-hour clock; timeStyle keeps that locale's own hour cycle where an explicit hour option might not.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateTime = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' });

export function formatDateTime(date: Date | string | undefined): string {
  if (date === undefined) return '';
  const value = typeof date === 'string' ? new Date(date) : date;
  return Number.isNaN(value.getTime()) ? '' : dateTime.format(value);
}

export function formatEventTime(date: Date, now: Date): string {
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay ? `Today ${time.format(date)}` : `${day.format(date)} ${time.format(date)}`;
}

export function formatTime(date: Date): string {
  return time.format(date);
}

/** A short date ("28 Nov" or "Nov 28"), for chart axes. */
export function formatShortDate(date: Date): string {
  return shortDate.format(date);
}

/** A short date with the time ("28 Nov, 14:05"), for chart axes over a day or two. */
export function formatShortDateTime(date: Date): string {
  return shortDateTime.format(date);
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const RELATIVE_UNITS: ReadonlyArray<readonly [Intl.RelativeTimeFormatUnit, number]> = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "in 5 hours", "3 minutes ago", "now": the largest whole unit, in the viewer's language. */
export function formatRelative(date: Date | string, now: Date): string {
  const ms = (typeof date === 'string' ? Date.parse(date) : date.getTime()) - now.getTime();
  for (const [unit, size] of RELATIVE_UNITS) if (Math.abs(ms) >= size) return relative.format(Math.trunc(ms / size), unit);
  return relative.format(Math.trunc(ms / 1000), 'second');
}

const seconds = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'second', maximumFractionDigits: 1 });
const milliseconds = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'millisecond', maximumFractionDigits: 0 });
const minutes = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'minute', maximumFractionDigits: 1 });

/** A short duration in the viewer's locale: "850 ms", "2.4 sec", "3.5 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return milliseconds.format(ms);
  if (ms < 120_000) return seconds.format(ms / 1000);
  return minutes.format(ms / 60_000);
}

/** Calls `fn` once typing pauses for `ms`. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** A link handled by the client-side router. */
export function link(href: string, ...children: Children[]): HTMLAnchorElement {
  return h('a', { href, 'data-route': true }, ...children);
}
