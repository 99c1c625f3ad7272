import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putUser } from '../../shared/adapters/dynamodb/users.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { CONSUMER_EMAIL } from '../../local/emulator/oauth/accounts.js';
import { makeUser } from '../support/directory.js';
import { startTestEmulator } from '../support/emulator.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';

/**
 * A real browser (Chromium) signs in through the emulator's account chooser: proves what HTTP
 * tests cannot — that the browser keeps our __Host- cookies, sends the transaction cookie back on
 * the cross-site redirect from the provider (SameSite=Lax), and Origin on the logout POST.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('sign-in in a real browser', () => {
  let emulator: Emulator;
  let app: LocalApp;
  let browser: Browser;
  beforeAll(async () => {
    emulator = await startTestEmulator({ users: 10, groups: 2 });
    app = await startLocalApp({ OIDC_ISSUER: emulator.issuer });
    emulator.addRedirectUri(app.deps.config.googleClientId, `${app.origin}/auth/callback`);
    const admin = emulator.directory.admin;
    await putUser(
      app.deps.db,
      app.deps.config.tableName,
      makeUser({ id: admin.id, primaryEmail: admin.primaryEmail, name: admin.name, isAdmin: true }),
    );
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await emulator?.stop();
  });

  it('signs in as a demo user, lands on returnTo with /api/me answering, and logs out', async () => {
    const page = await browser.newPage();
    const admin = emulator.directory.admin;
    await page.goto(`${app.origin}/auth/login?returnTo=${encodeURIComponent('/api/me')}`);
    await page.getByRole('button', { name: new RegExp(admin.primaryEmail.replace(/[.]/g, '\\.')) }).click();
    await page.waitForURL(`${app.origin}/api/me`);
    expect(JSON.parse((await page.textContent('body'))!)).toMatchObject({
      user: { id: admin.id, primaryEmail: admin.primaryEmail },
      isAdmin: true,
    });
    const cookies = await page.context().cookies(app.origin);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.secure, c.sameSite])).toEqual([['__Host-wb-session', true, true, 'Lax']]);

    const status = await page.evaluate(async () => (await fetch('/auth/logout', { method: 'POST' })).status);
    expect(status).toBe(204);
    expect(await page.context().cookies(app.origin)).toEqual([]);
    const after = await page.goto(`${app.origin}/api/me`);
    expect(after?.status()).toBe(401);
    await page.close();
  });

  it('refuses the consumer account with a clear page', async () => {
    const page = await browser.newPage();
    await page.goto(`${app.origin}/auth/login`);
    await page.getByRole('button', { name: new RegExp(CONSUMER_EMAIL.replace(/[.]/g, '\\.')) }).click();
    await page.waitForURL(/\/auth\/callback/);
    expect(await page.textContent('h1')).toBe('You cannot sign in with this account');
    expect(await page.textContent('body')).toContain('personal Google account');
    expect(await page.context().cookies(app.origin)).toEqual([]);
    await page.close();
  });
});
