/**
 * Every page of the web client, and what each must satisfy at desk and phone widths in both
 * themes: no serious or critical axe-core finding, no sideways scrolling, no broken image. Shared
 * by the end-to-end test (which checks them) and `npm run screenshots` (which photographs them).
 */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export const WIDTHS = [1280, 375] as const;
export const THEMES = ['light', 'dark'] as const;

export interface TourStop {
  readonly name: string;
  readonly path: string;
  /** What shows once the page has its data. */
  readonly ready: string;
  /** A user's step after loading (typing a search). */
  readonly act?: (page: Page) => Promise<void>;
}

/** The signed-in pages; `person` and `group` are ids of a visible colleague and one of their groups. */
export function signedInStops(ids: { readonly person: string; readonly personName: string; readonly group: string }): TourStop[] {
  return [
    { name: 'home', path: '/', ready: 'section[data-widget]' },
    {
      name: 'people',
      path: '/people',
      ready: '#people-search',
      act: async (page) => {
        await page.fill('#people-search', ids.personName);
        // The list first shows everyone: wait for the search's own answer (the URL takes the words as it is asked).
        await page.waitForURL((url) => url.searchParams.get('q') === ids.personName);
        await page.waitForSelector('#main [aria-busy="false"] section li');
      },
    },
    { name: 'profile', path: `/people/${encodeURIComponent(ids.person)}`, ready: '#main dl.facts' },
    { name: 'groups', path: '/groups', ready: '#main li, #main .empty' },
    { name: 'org', path: `/org/${encodeURIComponent(ids.person)}`, ready: '#main .org h2' },
    { name: 'group', path: `/groups/${encodeURIComponent(ids.group)}`, ready: '#main li, #main .empty' },
    { name: 'settings', path: '/settings', ready: 'table.ledger' },
    adminStop,
    { name: 'not-found', path: '/no-such-page', ready: '#main h1' },
  ];
}

/** Waits until the admin page's push panel shows its answer (it loads beside the runs, and again on every refresh). */
export async function pushPanelLoaded(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="push-health"][aria-busy="false"]');
}

export const adminStop: TourStop = { name: 'admin', path: '/admin', ready: '#main table, #main .empty', act: pushPanelLoaded };

/** Pages a signed-out visitor sees: the sign-in page, and the server's page for a failed sign-in. */
export const SIGNED_OUT_STOPS: readonly TourStop[] = [
  { name: 'signed-out', path: '/', ready: '#sign-in' },
  { name: 'sign-in-error', path: '/auth/callback?code=unknown&state=unknown', ready: 'main h1' },
];

export async function visit(page: Page, origin: string, stop: TourStop): Promise<void> {
  await page.goto(`${origin}${stop.path}`);
  await page.waitForSelector(stop.ready);
  await stop.act?.(page);
  await imagesSettled(page);
}

/** Waits until every image has loaded or failed (a failed one is replaced by initials); lazy ones below the fold are loaded first. */
export async function imagesSettled(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const image of Array.from(document.images)) image.loading = 'eager';
  });
  await page.waitForFunction(() => Array.from(document.images).every((image) => image.complete));
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface PageProblems {
  /** axe-core violations of serious or critical impact, as "rule: target". */
  readonly accessibility: string[];
  /** How many axe rules passed: proof that axe ran on the page. */
  readonly rulesPassed: number;
  /** How far the page scrolls sideways, in CSS pixels (0 when it fits). */
  readonly sidewaysScroll: number;
  /** Images that failed to load and are still on the page. */
  readonly brokenImages: string[];
}

export async function problemsOf(page: Page): Promise<PageProblems> {
  await imagesSettled(page);
  // Evaluated through the DevTools protocol, as a page's own script is not: the strict CSP stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const { accessibility, rulesPassed } = await page.evaluate(async () => {
    type Result = { passes: unknown[]; violations: Array<{ id: string; impact?: string | null; nodes: Array<{ target: unknown[] }> }> };
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<Result> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return {
      rulesPassed: result.passes.length,
      accessibility: result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`)),
    };
  });
  const sidewaysScroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const brokenImages = await page.evaluate(() =>
    Array.from(document.images)
      .filter((i) => i.naturalWidth === 0)
      .map((i) => i.src),
  );
  return { accessibility, rulesPassed, sidewaysScroll, brokenImages };
}
