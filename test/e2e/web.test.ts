/**
 * The web client end to end in real headless Chromium, against the local host (`npm start`'s
 * server, the built client, the deployed handlers, DynamoDB Local), the Google emulator, and a
 * directory the real sync copied from it: sign in; Mail, Drive and Calendar through the GIS consent
 * popup, each asking only its own scope; a partial grant and its retry; closed and blocked popups;
 * expiry; a rate limit; sharing a folder with a group (asking `drive` only then); the scope ledger;
 * revoke, also after a reload (no token in the tab); people, profile (with free/busy from the
 * browser) and group pages; admin runs, run now with its progress, the chart and a forced held diff;
 * every page at 1280 and 375 px in light and dark checked by axe-core, for sideways scrolling and
 * broken images; sign-out; an admin ending a user's sessions and the page saying so once; then no
 * token in any browser storage or request to the intranet, no CSP violation, no page error.
 */
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../shared/config/config.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { EMULATOR_TOKEN_MARKER } from '../../local/emulator/oauth/tokens.js';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import { ensureWebBuild, launchBrowser, screenshot, storageOf, type Browser } from '../support/browser.js';
import { localGoogleOrigins } from '../../local/host/google-origins.js';
import type { LocalApp } from '../support/local-app.js';
import { startHarnessApp, startSyncHarness, type SyncHarness } from '../support/sync.js';
import { answerConsent, gisLoaded, signIn } from '../support/web-session.js';
import {
  adminStop,
  pushPanelLoaded,
  problemsOf,
  signedInStops,
  SIGNED_OUT_STOPS,
  THEMES,
  visit,
  WIDTHS,
  type TourStop,
} from '../support/tour.js';
import { DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import type { LocalDependencies } from '../../local/local-dependencies.js';
import { listChannels } from '../../shared/adapters/dynamodb/push-channels.js';
import { directoryClient } from '../support/emulator.js';
import { openPushChannels } from '../support/push.js';

const AUTH = 'https://www.googleapis.com/auth/';
const STEP = { timeout: 60_000 };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let emulator: Emulator;
let harness: SyncHarness;
let app: LocalApp;
let browser: Browser;
let page: Page;
let user: DirectoryUserResource;
/** Added to the emulator's clock: moves Google's idea of "now" past token expiry. */
let skew = 0;
/** The scopes of every consent popup, in order. */
const asked: string[][] = [];
/** Every request the browser sent to the intranet's origin (URL, headers, body): no Google token may be in one. */
const toIntranet: string[] = [];

beforeAll(async () => {
  await ensureWebBuild();
  // The emulator's tenant synced into a fresh table by the real directory sync, as after `npm start`'s first run.
  const env = { SEARCH_INDEX_CHECK_SECONDS: '0' };
  harness = await startSyncHarness({ seed: 'e2e', users: 60, groups: 12, now: () => Date.now() + skew, env });
  emulator = harness.emulator;
  const synced = await harness.sync();
  if (synced.status !== 'succeeded') throw new Error(`The directory sync did not succeed: ${JSON.stringify(synced)}`);
  app = await startHarnessApp(harness, env, localGoogleOrigins(emulator.origin));
  emulator.addRedirectUri(LOCAL_DEFAULTS.googleClientId, `${app.origin}/auth/callback`);
  user = emulator.directory.admin;
  browser = await launchBrowser();
  browser.context.on('request', (request) => {
    if (request.url().startsWith(app.origin)) toIntranet.push(JSON.stringify([request.url(), request.headers(), request.postData()]));
  });
  page = await browser.context.newPage();
}, 120_000);

/** Each page at desk and phone width in both themes: no serious axe finding, no sideways scroll, no broken image. */
async function checkPages(stops: readonly TourStop[]): Promise<void> {
  const found: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    for (const stop of stops) {
      for (const colorScheme of THEMES) {
        await page.emulateMedia({ colorScheme });
        await visit(page, app.origin, stop);
        const problems = await problemsOf(page);
        const where = `${stop.name} at ${width} px, ${colorScheme}`;
        found.push(
          ...problems.accessibility.map((p) => `${where}: ${p}`),
          ...problems.brokenImages.map((src) => `${where}: broken image ${src}`),
        );
        if (problems.sidewaysScroll > 0) found.push(`${where}: scrolls ${problems.sidewaysScroll} px sideways`);
        if (problems.rulesPassed === 0) found.push(`${where}: axe did not run`);
      }
    }
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
  expect(found).toEqual([]);
}

/** A visible, active user who is a direct member of a group small enough for one page of members, and that group. */
function colleagueInAGroup() {
  for (const group of emulator.directory.groups.filter((g) => emulator.directory.members(g.id).length <= 20)) {
    for (const member of emulator.directory.members(group.id)) {
      const colleague = member.type === 'USER' ? emulator.directory.user(member.id) : undefined;
      if (
        colleague &&
        colleague.id !== user.id &&
        !colleague.suspended &&
        !colleague.archived &&
        !colleague.deletionTime &&
        colleague.includeInGlobalAddressList
      )
        return { group, colleague };
    }
  }
  throw new Error('The seeded tenant has no group with a visible member.');
}

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await harness?.close();
});

const widget = (name: 'gmail' | 'drive' | 'calendar') => page.locator(`section[data-widget="${name}"]`);

const consent = async (trigger: () => Promise<void>, choose?: (popup: Page) => Promise<void>) => {
  const scopes = await answerConsent(browser.context, trigger, choose);
  asked.push(scopes);
  return scopes;
};

describe('the web client against the emulator', () => {
  it('serves the strict headers and signs in', STEP, async () => {
    const response = await page.request.get(`${app.origin}/`);
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain(`script-src 'self' ${emulator.origin}/gsi/client`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(response.headers()['cross-origin-opener-policy']).toBe('same-origin-allow-popups');
    await signIn(page, app.origin, user, (p) => screenshot(p, 'signed-out'));
    await expect.poll(() => page.locator('h1').textContent()).toContain('Welcome');
    // The emulator's GIS drop-in answers the helpers Google's script has.
    expect(
      await page.evaluate(() => {
        const oauth2 = (
          window as unknown as {
            google: {
              accounts: {
                oauth2: {
                  hasGrantedAllScopes: (r: object, ...s: string[]) => boolean;
                  hasGrantedAnyScope: (r: object, ...s: string[]) => boolean;
                };
              };
            };
          }
        ).google.accounts.oauth2;
        const response = { scope: 'a b' };
        return [
          oauth2.hasGrantedAllScopes(response, 'a', 'b'),
          oauth2.hasGrantedAllScopes(response, 'a', 'c'),
          oauth2.hasGrantedAnyScope(response, 'c', 'b'),
          oauth2.hasGrantedAnyScope(response, 'c'),
        ];
      }),
    ).toEqual([true, false, true, false]);
    expect(await widget('gmail').locator('[role="switch"]').isChecked()).toBe(false);
  });

  it('turns on Mail: asks gmail.metadata only and shows the unread count and latest messages', STEP, async () => {
    expect(await consent(() => page.check('#toggle-gmail'))).toEqual([`${AUTH}gmail.metadata`]);
    const unread = emulator.personal.for(user).messages.filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD'));
    await expect.poll(() => widget('gmail').locator('[data-testid="unread-count"]').textContent()).toBe(String(unread.length));
    const subjects = await widget('gmail').locator('li .item-title').allTextContents();
    expect(subjects).toEqual(unread.slice(0, 5).map((m) => m.subject));
    expect(await widget('gmail').locator('li a').first().getAttribute('href')).toMatch(
      /^https:\/\/mail\.google\.com\/mail\/\?authuser=.*#all\//,
    );
  });

  it('turns on Drive: asks drive.readonly only and lists recent files; search narrows them', STEP, async () => {
    expect(await consent(() => page.check('#toggle-drive'))).toEqual([`${AUTH}drive.readonly`]);
    await expect.poll(() => widget('drive').locator('li').count()).toBe(8);
    await page.fill('#drive-search', 'Team proj');
    await expect.poll(() => widget('drive').locator('li .item-title').allTextContents()).toEqual(['Team projects']);
    await page.fill('#drive-search', '');
  });

  it('shows "permission needed" after a partial grant, and a retry works', STEP, async () => {
    const scopes = await consent(
      () => page.check('#toggle-calendar'),
      async (popup) => {
        await popup.uncheck(`input[name="scope"][value="${AUTH}calendar.readonly"]`);
      },
    );
    expect(scopes).toEqual([`${AUTH}calendar.readonly`]);
    await expect.poll(() => widget('calendar').locator('[data-state="permission-needed"]').count()).toBe(1);
    expect(await widget('gmail').locator('[data-testid="unread-count"]').count()).toBe(1); // the rest stays
    expect(await consent(() => widget('calendar').locator('button', { hasText: 'Grant access to Calendar' }).click())).toEqual([
      `${AUTH}calendar.readonly`,
    ]);
    await expect.poll(() => widget('calendar').locator('li, .empty').count()).toBeGreaterThan(0);
    await screenshot(page, 'home');
  });

  it('creates an event asking calendar.events only then; a closed or blocked popup says what to do', STEP, async () => {
    await widget('calendar').locator('summary', { hasText: 'New event' }).click();
    await page.fill('#event-title', 'E2E planning');
    const opened = browser.context.waitForEvent('page');
    await widget('calendar').locator('button[type="submit"]').click();
    await (await opened).close();
    await expect.poll(() => widget('calendar').locator('[role="alert"]').textContent()).toContain('closed');
    // A popup blocker makes window.open return null: GIS reports popup_failed_to_open.
    const blocked = await page.evaluateHandle(() => {
      const original = window.open;
      window.open = () => null;
      return () => {
        window.open = original;
      };
    });
    await widget('calendar').locator('button[type="submit"]').click();
    await expect.poll(() => widget('calendar').locator('[role="alert"]').textContent()).toContain('blocked the Google window');
    await blocked.evaluate((restore) => restore());
    expect(await consent(() => widget('calendar').locator('button[type="submit"]').click())).toEqual([`${AUTH}calendar.events`]);
    await expect.poll(() => widget('calendar').locator('li .item-title').allTextContents()).toContain('E2E planning');
  });

  it('shares a folder with a group, asking for drive only at that moment; the emulator records the permission', STEP, async () => {
    expect(asked.flat()).not.toContain(`${AUTH}drive`);
    await widget('drive').locator('summary', { hasText: 'Share a folder' }).click();
    await page.waitForSelector('#share-folder option', { state: 'attached' });
    const folderId = await page.locator('#share-folder').inputValue();
    const group = emulator.directory.groups[0]!;
    await page.fill('#share-group-search', group.name);
    await page.waitForSelector(`#share-group option[value="${group.email}"]`, { state: 'attached' });
    await page.selectOption('#share-group', group.email);
    expect(await consent(() => widget('drive').locator('form button[type="submit"]').click())).toEqual([`${AUTH}drive`]);
    await expect.poll(() => widget('drive').locator('.success').textContent()).toContain(group.email);
    const token = emulator.context.tokens.issueAccess({
      clientId: LOCAL_DEFAULTS.googleClientId,
      scopes: [`${AUTH}drive.readonly`],
      email: user.primaryEmail,
      userId: user.id,
    }).token;
    const listed = await fetch(`${emulator.origin}/drive/v3/files/${folderId}/permissions`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(
      ((await listed.json()) as { permissions: Array<{ type: string; emailAddress?: string; role: string }> }).permissions,
    ).toContainEqual(expect.objectContaining({ type: 'group', emailAddress: group.email, role: 'reader' }));
  });

  it('after Google expires the token, asks to reconnect on the next click and recovers without new consent', STEP, async () => {
    skew = 2 * 3_600_000;
    await widget('gmail').locator('button', { hasText: 'Refresh' }).click();
    await expect.poll(() => widget('gmail').locator('[data-state="expired"]').count()).toBe(1);
    expect(await widget('gmail').locator('[role="alert"]').textContent()).toContain('expired');
    const before = browser.context.pages().length;
    await consent(() => widget('gmail').locator('button', { hasText: 'Reconnect Google' }).click());
    expect(browser.context.pages().length).toBe(before);
    await expect.poll(() => widget('gmail').locator('[data-testid="unread-count"]').count()).toBe(1);
    skew = 0;
  });

  it("explains Google's rate limit and recovers with Try again", STEP, async () => {
    emulator.setLimits({ tenantQuotaPerMinute: 1 });
    // The quota window may have just turned over: the first refresh can still pass, the second cannot.
    await widget('drive').locator('button', { hasText: 'Refresh' }).click();
    await widget('drive')
      .locator('button', { hasText: 'Refresh' })
      .click({ timeout: 1000 })
      .catch(() => undefined);
    await expect
      .poll(() =>
        widget('drive')
          .locator('[role="alert"]')
          .textContent()
          .catch(() => ''),
      )
      .toContain('limiting requests');
    emulator.setLimits({ tenantQuotaPerMinute: 0 });
    await widget('drive').locator('button', { hasText: 'Try again' }).click();
    await expect.poll(() => widget('drive').locator('li').count()).toBeGreaterThan(0);
  });

  it('shows the scope ledger in Settings, and "Disconnect Google" revokes and clears the widgets', STEP, async () => {
    await page.click('nav >> text=Settings');
    await page.waitForSelector('table.ledger');
    for (const scope of ['gmail.metadata', 'drive.readonly', 'drive', 'calendar.readonly', 'calendar.events']) {
      expect(await page.locator(`tr[data-scope="${AUTH}${scope}"] td.granted`).count(), scope).toBe(1);
    }
    await page.waitForSelector('text=(this browser)');
    await screenshot(page, 'settings');
    const lastToken = emulator
      .issuedTokens()
      .filter((t) => t.startsWith('ya29.'))
      .at(-1)!;
    await page.click('button:has-text("Disconnect Google")');
    await page.waitForSelector('text=Disconnected');
    expect(await page.locator('td.granted').count()).toBe(0);
    const after = await fetch(`${emulator.origin}/gmail/v1/users/me/labels/INBOX`, { headers: { authorization: `Bearer ${lastToken}` } });
    expect(after.status).toBe(401);
    await page.click('nav >> text=Home');
    for (const name of ['gmail', 'drive', 'calendar'] as const) {
      await expect.poll(() => widget(name).locator('[data-state="not-connected"]').count()).toBe(1);
      expect(await widget(name).locator('li').count()).toBe(0);
    }
  });

  it('after a reload, "Disconnect Google" gets a token through Google\'s window and revokes the earlier grants', STEP, async () => {
    // Connecting again asks for every widget that is turned on.
    expect(await consent(() => widget('gmail').locator('button', { hasText: 'Connect Google' }).click())).toContain(
      `${AUTH}gmail.metadata`,
    );
    await expect.poll(() => widget('gmail').locator('[data-testid="unread-count"]').count()).toBe(1);
    const beforeReload = emulator
      .issuedTokens()
      .filter((t) => t.startsWith('ya29.'))
      .at(-1)!;
    await page.reload();
    await gisLoaded(page);
    await page.click('nav >> text=Settings');
    await page.waitForSelector('table.ledger');
    expect(await page.locator('td.granted').count()).toBe(0);
    expect(await page.locator('a[href="https://myaccount.google.com/permissions"]').count()).toBe(1);
    // Only the sign-in's own scope is asked: taking access away never asks for a data scope.
    expect(await consent(() => page.click('button:has-text("Disconnect Google")'))).toEqual(['email']);
    await page.waitForSelector('text=Disconnected');
    const after = await fetch(`${emulator.origin}/gmail/v1/users/me/labels/INBOX`, {
      headers: { authorization: `Bearer ${beforeReload}` },
    });
    expect(after.status).toBe(401);
  });

  it('finds a colleague as you type, opens their profile and one of their groups', STEP, async () => {
    const { group, colleague } = colleagueInAGroup();
    await page.click('nav >> text=People');
    await page.fill('#people-search', colleague.name.fullName);
    await page.waitForURL((url) => url.searchParams.get('q') === colleague.name.fullName);
    await screenshot(page, 'people');
    await page.click(`#main a:has-text("${colleague.name.fullName}")`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(colleague.name.fullName);
    // Calendar is on but this tab has no token since the reload: free/busy is one click (calendar.readonly) away.
    expect(await consent(() => page.locator('[data-testid="availability"] button').click())).toEqual([`${AUTH}calendar.readonly`]);
    const now = Date.now();
    const busyNow = emulator.personal.for(colleague).events.some((e) => e.start <= now && now < e.end);
    await expect
      .poll(() => page.locator('[data-testid="availability"] [data-state]').getAttribute('data-state'))
      .toBe(busyNow ? 'busy' : 'free');
    await screenshot(page, 'profile');
    await page.click(`#main a:has-text("${group.name}")`);
    await expect.poll(() => page.locator('h1').textContent()).toBe(group.name);
    await expect.poll(() => page.locator('#main li a').allTextContents()).toContain(colleague.name.fullName);
    await page.check('#transitive');
    await expect.poll(() => page.locator('#main li a').allTextContents()).toContain(colleague.name.fullName);
    await screenshot(page, 'group');
  });

  it('filters people by department in a shareable URL, walks the org chart, and browses groups', STEP, async () => {
    const { group, colleague } = colleagueInAGroup();
    const department = colleague.organizations![0]!.department!;
    await page.click('nav >> text=People');
    await page.waitForSelector(`#filter-department option[value="${department}"]`, { state: 'attached' });
    await page.selectOption('#filter-department', department);
    await expect.poll(() => new URL(page.url()).searchParams.get('department')).toBe(department);
    await page.waitForSelector(`#main section li a:has-text("${colleague.name!.fullName}")`);
    const shown = await page.locator('#main section li .muted').allTextContents();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((text) => text.includes(department))).toBe(true);
    // The URL is the list: opened afresh it shows the same filter.
    await page.goto(page.url());
    await expect.poll(() => page.locator('#filter-department').inputValue()).toBe(department);

    const manager = emulator.directory.users.find((u) => u.primaryEmail === colleague.relations?.find((r) => r.type === 'manager')?.value);
    await page.goto(`${app.origin}/org/${encodeURIComponent(colleague.id)}`);
    await page.waitForSelector('#main .org h2');
    if (manager && manager.includeInGlobalAddressList && !manager.suspended) {
      await page.click(`#main nav.chain a:has-text("${manager.name!.fullName}")`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(`Org chart: ${manager.name!.fullName}`);
      await expect.poll(() => page.locator('#main .org li a').allTextContents()).toContain(colleague.name!.fullName);
    }

    await page.click('nav >> text=Groups');
    await page.fill('#groups-search', group.name);
    await page.waitForSelector(`#main li a:has-text("${group.name}")`);
    expect(await page.locator(`#main li:has(a:has-text("${group.name}")) .muted`).first().textContent()).toMatch(/\d+ members?/);
  });

  it('shows admins the sync runs, runs a sync now, and charts the runs', STEP, async () => {
    await page.click('nav >> text=Admin');
    await expect.poll(() => page.locator('#main tbody tr').count()).toBe(1);
    const [runNow] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith('/api/admin/sync/run')),
      page.click('button:has-text("Run sync now")'),
    ]);
    // What CloudFront's origin access control needs to sign a body for the function URL.
    expect(runNow.headers()['x-amz-content-sha256']).toBe(sha256(runNow.postData() ?? ''));
    expect(JSON.parse(runNow.postData() ?? '')).toEqual({ force: false });
    // Progress until the run's record appears, then its outcome.
    await page.waitForSelector('[data-testid="sync-progress"] [data-phase]');
    await page.waitForSelector('[data-testid="sync-progress"] [data-phase="finished"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="sync-progress"]').textContent()).toMatch(/Finished: Succeeded\. \d+ fetched/);
    await expect
      .poll(
        async () => {
          await page.goto(`${app.origin}/admin`);
          await page.waitForSelector('#main table, #main .empty');
          return page.locator('#main tbody tr').count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(2);
    await page.waitForSelector('svg.chart');
    expect(await page.locator('svg.chart circle[data-status="succeeded"]').count()).toBe(2);
    expect(await page.locator('.legend [data-status="succeeded"]').textContent()).toContain('Succeeded (2)');
    await screenshot(page, 'admin');
  });

  it('holds back a sync that would delete most of the directory, shows the diff, and applies it when forced', STEP, async () => {
    const gone = emulator.directory.users.filter((u) => !u.isAdmin && !u.deletionTime).slice(0, 40);
    for (const u of gone) emulator.directory.deleteUser(u.id);
    await page.click('button:has-text("Run sync now")');
    await expect
      .poll(
        async () => {
          await page.goto(`${app.origin}/admin`);
          await page.waitForSelector('#main table');
          return page.locator('text=was held back').count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    expect(await page.locator('#main .notice li').allTextContents()).toContain(gone[0]!.primaryEmail);
    // Grouped by kind, collapsed, with the count; the refused run is its own status in the chart.
    const deletedUsers = page.locator('#main .notice details', { hasText: 'Users deleted' });
    expect(await deletedUsers.locator('summary').textContent()).toBe(`Users deleted (${gone.length})`);
    expect(await deletedUsers.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    // The people deleted leave the groups they were in: that kind is listed too, with the groups' addresses.
    const memberships = page.locator('#main .notice details[data-kind="memberships-changed"]');
    expect(await memberships.locator('summary').textContent()).toMatch(/^Group memberships changed \(\d+\)$/);
    expect(await memberships.locator('li').first().textContent()).toMatch(/@example\.com$/);
    expect(await page.locator('svg.chart circle[data-status="refused"]').count()).toBe(1);
    expect(await page.locator('.legend [data-status="refused"]').textContent()).toContain('Refused');
    await screenshot(page, 'admin-held');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button:has-text("Apply anyway (force)")');
    await expect
      .poll(
        async () => {
          await page.goto(`${app.origin}/admin`);
          await page.waitForSelector('#main table');
          return page.locator('#main td', { hasText: 'succeeded (forced)' }).count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
    // The held change loads beside the runs: wait for its answer too.
    await expect.poll(() => page.locator('text=No change is waiting for review').count()).toBe(1);
  });

  it(
    'shows push health: the hourly fallback with no channel, then three live feeds, a change applied by push, and the gap a full sync repaired',
    STEP,
    async () => {
      const panel = page.locator('[data-testid="push-health"]');
      await page.goto(`${app.origin}/admin`);
      await pushPanelLoaded(page);
      // No channel is open yet: push is on but failing, so the full sync runs hourly, and the page says so.
      expect(await panel.locator('[data-state]').getAttribute('data-state')).toBe('failing');
      expect(await panel.locator('[data-testid="push-full-sync"]').getAttribute('data-schedule')).toBe('hourly');
      expect(await panel.textContent()).toContain('No live channel for users, admin, groups_enterprise');
      await checkPages([{ ...adminStop, name: 'admin with push failing' }]);

      // The channel manager's run, as `npm start` does it: one channel per feed, each confirmed by Google's sync message.
      const deps = app.deps as LocalDependencies;
      await openPushChannels(emulator, deps);
      const usersChannel = (await listChannels(deps.db, deps.config.tableName)).find((c) => c.feed === 'users' && c.status === 'active')!;
      await page.reload();
      await pushPanelLoaded(page);
      expect(await panel.locator('[data-state]').getAttribute('data-state')).toBe('live');
      expect(await panel.locator('li[data-live="true"]').count()).toBe(3);
      expect(await panel.locator('li[data-feed="users"] dd time').first().getAttribute('datetime')).toBe(
        new Date(usersChannel.expiresAt).toISOString(),
      );
      expect(await panel.locator('li[data-feed="users"]').textContent()).not.toContain('None yet');
      expect(await panel.locator('[data-testid="push-gap"]').textContent()).toMatch(/^None yet/);
      const applied = async () => Number(await panel.locator('[data-testid="push-applied-hour"]').textContent());
      const before = await applied();

      // An admin's rename through Google's own client reaches the panel's counters by push, with no full sync.
      const admin = await directoryClient(emulator, { scopes: [DIRECTORY_SCOPES.user] });
      const { colleague } = colleagueInAGroup();
      await admin.users.patch({ userKey: colleague.id, requestBody: { name: { givenName: 'Pushed', familyName: 'Rename' } } });
      await expect
        .poll(
          async () => {
            await page.click('[data-testid="push-refresh"]');
            await pushPanelLoaded(page);
            return applied();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBe(before + 1);
      expect(await panel.textContent()).toMatch(/p50 .+, p95 .+, from the change in Google to applied here \(last day\)/);
      await screenshot(page, 'admin-push');

      // A lost notification: the next full sync repairs it, and the panel shows that gap.
      emulator.push.setSettings({ dropRate: 1 });
      const other = emulator.directory.users.find((u) => u.id !== colleague.id && !u.isAdmin && !u.suspended && !u.deletionTime)!;
      await admin.users.patch({ userKey: other.id, requestBody: { name: { givenName: 'Never', familyName: 'Notified' } } });
      await emulator.push.idle();
      emulator.push.setSettings({ dropRate: 0 });
      expect((await harness.sync()).status).toBe('succeeded');
      await page.click('[data-testid="push-refresh"]');
      await pushPanelLoaded(page);
      expect(await panel.locator('[data-testid="push-gap"]').textContent()).toContain(
        'Repaired what notifications missed: 0 created, 1 updated and 0 deleted users and groups',
      );
      await deps.pushQueue.idle();
    },
  );

  it(
    'every signed-in page passes axe in both themes, fits 375 px without sideways scrolling, and shows no broken image',
    { timeout: 300_000 },
    async () => {
      const { group, colleague } = colleagueInAGroup();
      await checkPages(signedInStops({ person: colleague.id, personName: colleague.name.fullName, group: group.id }));
    },
  );

  it('keeps no Google token across a reload, and signs out', STEP, async () => {
    await page.goto(`${app.origin}/`);
    for (const name of ['gmail', 'drive', 'calendar'] as const) {
      await expect.poll(() => widget(name).locator('[data-state="not-connected"]').count()).toBe(1);
    }
    const [signOut] = await Promise.all([
      page.waitForRequest((request) => request.url().endsWith('/auth/logout')),
      page.click('button:has-text("Sign out")'),
    ]);
    expect(signOut.headers()['x-amz-content-sha256']).toBe(sha256(''));
    await page.waitForSelector('#sign-in');
    expect((await page.request.get(`${app.origin}/api/me`)).status()).toBe(401);
    await checkPages(SIGNED_OUT_STOPS);
    expect(await page.locator('main a[href="/"]').count()).toBe(1); // the sign-in error page leads back
  });

  it(
    'lets an admin find a person and end their sessions; a page whose session was ended says so once, with the sign-in link',
    STEP,
    async () => {
      await signIn(page, app.origin, user);
      await page.click('nav >> text=Admin');
      await page.fill('#revoke-search', user.primaryEmail);
      const row = page.locator('#main li', { hasText: user.primaryEmail });
      page.once('dialog', (dialog) => void dialog.accept());
      await row.locator('button', { hasText: 'End all sessions' }).click();
      await expect.poll(() => row.locator('.success').textContent()).toBe('Ended 1 session.');
      await page.click('nav >> text=Settings');
      await page.waitForSelector('[data-state="session-ended"]');
      expect(await page.locator('[data-state="session-ended"]').count()).toBe(1);
      expect(await page.locator('[role="alert"]').count()).toBe(0);
      expect(await page.locator('#sign-in').getAttribute('href')).toBe('/auth/login?returnTo=%2Fsettings');
    },
  );

  it('leaves no token in any browser storage and reports no CSP violation', STEP, async () => {
    const issued = emulator.issuedTokens();
    expect(issued.length).toBeGreaterThan(0);
    const emulatorPage = await browser.context.newPage();
    await emulatorPage.goto(`${emulator.origin}/.well-known/openid-configuration`);
    const kept = [await storageOf(page), await storageOf(emulatorPage), JSON.stringify(await browser.context.cookies())].join('\n');
    expect(kept).not.toContain(EMULATOR_TOKEN_MARKER);
    for (const token of issued) expect(kept).not.toContain(token);
    // The sign-in's authorization code rightly goes to the intranet's callback; no Google access token ever does.
    const sent = toIntranet.join('\n');
    const accessTokens = issued.filter((t) => t.startsWith('ya29.'));
    expect(accessTokens.length).toBeGreaterThan(0);
    for (const token of accessTokens) expect(sent).not.toContain(token);
    expect(kept).toContain('wb:integrations:'); // the preference is stored, and was looked at
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
