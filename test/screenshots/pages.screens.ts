/**
 * `npm run screenshots`: every page of the web client at 1280 and 375 px, light theme, in real
 * Chromium against the same local stack as the end-to-end test (local host, DynamoDB Local, the
 * emulator, a directory the real sync copied, push channels open), written to docs/screenshots/<page>-<width>.png.
 * Run by vitest (vitest.screenshots.config.ts) for its DynamoDB Local setup; not part of `npm test`.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../shared/config/config.js';
import { DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { localGoogleOrigins } from '../../local/host/google-origins.js';
import type { LocalDependencies } from '../../local/local-dependencies.js';
import { ensureWebBuild, launchBrowser, type Browser } from '../support/browser.js';
import { directoryClient } from '../support/emulator.js';
import { openPushChannels } from '../support/push.js';
import type { LocalApp } from '../support/local-app.js';
import { startHarnessApp, startSyncHarness, type SyncHarness } from '../support/sync.js';
import { signedInStops, SIGNED_OUT_STOPS, visit, WIDTHS, type TourStop } from '../support/tour.js';
import { answerConsent, signIn } from '../support/web-session.js';

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');

let harness: SyncHarness;
let app: LocalApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  await ensureWebBuild();
  harness = await startSyncHarness({ seed: 'screenshots', users: 60, groups: 12 });
  // Two runs, so the admin page has a history to chart.
  for (let run = 0; run < 2; run++) await harness.sync();
  const { emulator } = harness;
  app = await startHarnessApp(harness, {}, localGoogleOrigins(emulator.origin));
  emulator.addRedirectUri(LOCAL_DEFAULTS.googleClientId, `${app.origin}/auth/callback`);
  // Push as `npm start` runs it, for the admin page's panel: live channels, one change applied by
  // push (an admin's title change through Google's client), then a reconciliation that found nothing missing.
  await openPushChannels(emulator, app.deps);
  const admin = await directoryClient(emulator, { scopes: [DIRECTORY_SCOPES.user] });
  const someone = emulator.directory.users.filter((u) => !u.isAdmin && !u.deletionTime).at(-1)!;
  await admin.users.patch({ userKey: someone.id, requestBody: { organizations: [{ title: 'Head of Push', primary: true }] } });
  await emulator.push.idle();
  await (app.deps as LocalDependencies).pushQueue.idle();
  await harness.sync();
  browser = await launchBrowser();
  page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await mkdir(OUT, { recursive: true });
}, 120_000);

afterAll(async () => {
  await harness?.emulator.push.idle();
  await (app?.deps as LocalDependencies | undefined)?.pushQueue.idle();
  await browser?.close();
  await app?.close();
  await harness?.close();
});

const shoot = (name: string, width: number) => page.screenshot({ path: join(OUT, `${name}-${width}.png`), fullPage: true });

async function tour(stops: readonly TourStop[]): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width > 600 ? 800 : 812 });
    for (const stop of stops) {
      await visit(page, app.origin, stop);
      await shoot(stop.name, width);
    }
  }
}

it('photographs every page', { timeout: 300_000 }, async () => {
  const { emulator } = harness;
  await page.setViewportSize({ width: 1280, height: 800 });
  await tour(SIGNED_OUT_STOPS);
  await signIn(page, app.origin, emulator.directory.admin);
  // The home page with its widgets connected (the token lives in this tab only: no reload until shot).
  for (const name of ['gmail', 'drive', 'calendar']) await answerConsent(browser.context, () => page.check(`#toggle-${name}`));
  await page.waitForFunction(
    () =>
      document.querySelectorAll('section[data-widget] li').length > 0 && !document.querySelector('section[data-widget] [role="status"]'),
  );
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width > 600 ? 800 : 812 });
    await shoot('home', width);
  }
  const colleague = emulator.directory.users.find(
    (u) =>
      !u.isAdmin &&
      !u.suspended &&
      !u.deletionTime &&
      u.includeInGlobalAddressList &&
      emulator.directory.groups.some((g) => emulator.directory.members(g.id).some((m) => m.id === u.id)),
  )!;
  const group = emulator.directory.groups.find((g) => emulator.directory.members(g.id).some((m) => m.id === colleague.id))!;
  await tour(
    signedInStops({ person: colleague.id, personName: colleague.name.fullName, group: group.id }).filter((stop) => stop.name !== 'home'),
  );
});
