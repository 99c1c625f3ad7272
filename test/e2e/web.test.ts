/**
 * The web client end to end in real headless Chromium, against the local host (`npm start`'s
 * server, the built client, the deployed handlers, DynamoDB Local) and the Google emulator: sign
 * in, turn on Mail, Drive and Calendar through the GIS consent popup, a partial grant and its
 * retry, a closed popup, expiry, sharing a folder with a group (asking `drive` only then), the
 * scope ledger, revoke; then no token in any browser storage and no CSP violation.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../shared/config/config.js';
import { startEmulator, type Emulator } from '../../local/emulator/emulator.js';
import { EMULATOR_TOKEN_MARKER } from '../../local/emulator/oauth/tokens.js';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import { ensureWebBuild, launchBrowser, screenshot, storageOf, type Browser } from '../support/browser.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';
import { answerConsent, signIn, signInDeployed } from '../support/web-session.js';

const AUTH = 'https://www.googleapis.com/auth/';
const STEP = { timeout: 60_000 };

let emulator: Emulator;
let app: LocalApp;
let browser: Browser;
let page: Page;
let user: DirectoryUserResource;
/** Added to the emulator's clock: moves Google's idea of "now" past token expiry. */
let skew = 0;
/** The scopes of every consent popup, in order. */
const asked: string[][] = [];

beforeAll(async () => {
  await ensureWebBuild();
  emulator = await startEmulator({ port: 0, seed: 'e2e', users: 60, groups: 12, stateDirectory: await mkdtemp(join(tmpdir(), 'wb-emulator-')), now: () => Date.now() + skew });
  // Sign-in (once merged) accepts the emulator's users without a directory sync having run.
  app = await startLocalApp({ OIDC_ISSUER: emulator.origin, GOOGLE_API_ROOT: emulator.origin, ALLOW_UNSYNCED_SIGN_IN: 'true' });
  emulator.addRedirectUri(LOCAL_DEFAULTS.googleClientId, `${app.origin}/auth/callback`);
  user = emulator.directory.admin;
  browser = await launchBrowser();
  page = await browser.context.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await emulator?.stop();
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
    expect(await page.evaluate(() => {
      const oauth2 = (window as unknown as { google: { accounts: { oauth2: { hasGrantedAllScopes: (r: object, ...s: string[]) => boolean; hasGrantedAnyScope: (r: object, ...s: string[]) => boolean } } } }).google.accounts.oauth2;
      const response = { scope: 'a b' };
      return [oauth2.hasGrantedAllScopes(response, 'a', 'b'), oauth2.hasGrantedAllScopes(response, 'a', 'c'), oauth2.hasGrantedAnyScope(response, 'c', 'b'), oauth2.hasGrantedAnyScope(response, 'c')];
    })).toEqual([true, false, true, false]);
    expect(await widget('gmail').locator('[role="switch"]').isChecked()).toBe(false);
  });

  it('turns on Mail: asks gmail.metadata only and shows the unread count and latest messages', STEP, async () => {
    expect(await consent(() => page.check('#toggle-gmail'))).toEqual([`${AUTH}gmail.metadata`]);
    const unread = emulator.personal.for(user).messages.filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD'));
    await expect.poll(() => widget('gmail').locator('[data-testid="unread-count"]').textContent()).toBe(String(unread.length));
    const subjects = await widget('gmail').locator('li .item-title').allTextContents();
    expect(subjects).toEqual(unread.slice(0, 5).map((m) => m.subject));
    expect(await widget('gmail').locator('li a').first().getAttribute('href')).toMatch(/^https:\/\/mail\.google\.com\/mail\/\?authuser=.*#all\//);
  });

  it('turns on Drive: asks drive.readonly only and lists recent files; search narrows them', STEP, async () => {
    expect(await consent(() => page.check('#toggle-drive'))).toEqual([`${AUTH}drive.readonly`]);
    await expect.poll(() => widget('drive').locator('li').count()).toBe(8);
    await page.fill('#drive-search', 'Team proj');
    await expect.poll(() => widget('drive').locator('li .item-title').allTextContents()).toEqual(['Team projects']);
    await page.fill('#drive-search', '');
  });

  it('shows "permission needed" after a partial grant, and a retry works', STEP, async () => {
    const scopes = await consent(() => page.check('#toggle-calendar'), async (popup) => {
      await popup.uncheck(`input[name="scope"][value="${AUTH}calendar.readonly"]`);
    });
    expect(scopes).toEqual([`${AUTH}calendar.readonly`]);
    await expect.poll(() => widget('calendar').locator('[data-state="permission-needed"]').count()).toBe(1);
    expect(await widget('gmail').locator('[data-testid="unread-count"]').count()).toBe(1); // the rest stays
    expect(await consent(() => widget('calendar').locator('button', { hasText: 'Grant access to Calendar' }).click())).toEqual([`${AUTH}calendar.readonly`]);
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
      return () => { window.open = original; };
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
    await expect.poll(async () => (await page.locator('#share-group-email').isVisible()) || (await page.locator('#share-group option').count()) > 1).toBe(true);
    if (await page.locator('#share-group-email').isVisible()) await page.fill('#share-group-email', group.email);
    else {
      await page.fill('#share-group-search', group.name);
      await page.waitForSelector(`#share-group option[value="${group.email}"]`, { state: 'attached' });
      await page.selectOption('#share-group', group.email);
    }
    expect(await consent(() => widget('drive').locator('form button[type="submit"]').click())).toEqual([`${AUTH}drive`]);
    await expect.poll(() => widget('drive').locator('.success').textContent()).toContain(group.email);
    const token = emulator.context.tokens.issueAccess({ clientId: LOCAL_DEFAULTS.googleClientId, scopes: [`${AUTH}drive.readonly`], email: user.primaryEmail, userId: user.id }).token;
    const listed = await fetch(`${emulator.origin}/drive/v3/files/${folderId}/permissions`, { headers: { authorization: `Bearer ${token}` } });
    expect((await listed.json() as { permissions: Array<{ type: string; emailAddress?: string; role: string }> }).permissions)
      .toContainEqual(expect.objectContaining({ type: 'group', emailAddress: group.email, role: 'reader' }));
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
    await widget('drive').locator('button', { hasText: 'Refresh' }).click({ timeout: 1000 }).catch(() => undefined);
    await expect.poll(() => widget('drive').locator('[role="alert"]').textContent().catch(() => '')).toContain('limiting requests');
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
    if (signInDeployed()) await page.waitForSelector('text=(this browser)');
    else await page.waitForSelector('text=not available yet');
    await screenshot(page, 'settings');
    const lastToken = emulator.issuedTokens().filter((t) => t.startsWith('ya29.')).at(-1)!;
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

  it('finds a colleague in the people directory (or says the directory is not deployed yet)', STEP, async () => {
    await page.click('nav >> text=People');
    const colleague = emulator.directory.users.find((u) => u.id !== user.id && !u.suspended && !u.deletionTime)!;
    await page.fill('#people-search', colleague.name.givenName);
    const deployed = (await page.request.get(`${app.origin}/api/people?q=x`)).status() !== 404;
    if (deployed) {
      await page.click(`a:has-text("${colleague.name.fullName}")`);
      await expect.poll(() => page.locator('h1').textContent()).toBe(colleague.name.fullName);
    } else {
      await expect.poll(() => page.locator('[role="alert"]').first().textContent()).toContain('not available yet');
    }
    await screenshot(page, 'people');
  });

  it('shows the admin page to admins', STEP, async () => {
    await page.goto(`${app.origin}/admin`);
    await page.waitForSelector('h1:has-text("Admin")');
    await screenshot(page, 'admin');
    const isAdmin = (await page.locator('nav >> text=Admin').count()) === 1;
    if (isAdmin) expect(await page.locator('button:has-text("Run sync now")').count()).toBe(1);
    else expect(await page.locator('[role="alert"]').textContent()).toContain('administrators');
  });

  it('keeps no Google token across a reload, and signs out', STEP, async () => {
    await page.goto(`${app.origin}/`);
    for (const name of ['gmail', 'drive', 'calendar'] as const) {
      await expect.poll(() => widget(name).locator('[data-state="not-connected"]').count()).toBe(1);
    }
    if (!signInDeployed()) return; // sign-out needs the sign-in branch's /auth/* functions
    await page.click('button:has-text("Sign out")');
    await page.waitForSelector('#sign-in');
    expect((await page.request.get(`${app.origin}/api/me`)).status()).toBe(401);
  });

  it('leaves no token in any browser storage and reports no CSP violation', STEP, async () => {
    const issued = emulator.issuedTokens();
    expect(issued.length).toBeGreaterThan(0);
    const emulatorPage = await browser.context.newPage();
    await emulatorPage.goto(`${emulator.origin}/.well-known/openid-configuration`);
    const kept = [await storageOf(page), await storageOf(emulatorPage), JSON.stringify(await browser.context.cookies())].join('\n');
    expect(kept).not.toContain(EMULATOR_TOKEN_MARKER);
    for (const token of issued) expect(kept).not.toContain(token);
    expect(kept).toContain('wb:integrations:'); // the preference is stored, and was looked at
    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
