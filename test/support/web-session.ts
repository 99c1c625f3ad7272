/**
 * Driving the web client like a user, shared by the end-to-end tests and the benchmark: signing
 * in through the emulator's chooser, and answering Google Identity Services' consent popups.
 */
import type { BrowserContext, Page } from 'playwright-core';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';

/**
 * Runs `trigger` (a click), waits for the GIS popup, lets `choose` untick scopes, approves, and
 * returns the scopes the popup was opened for. A popup with nothing new to consent to closes by itself.
 */
export async function answerConsent(
  context: BrowserContext,
  trigger: () => Promise<void>,
  choose?: (popup: Page) => Promise<void>,
): Promise<string[]> {
  const opened = context.waitForEvent('page');
  await trigger();
  const popup = await opened;
  // A popup with nothing to ask closes at once: listen before anything else can yield.
  const closed = new Promise<void>((resolve) => {
    popup.once('close', () => resolve());
    if (popup.isClosed()) resolve();
  });
  const scopes = new URL(popup.url()).searchParams.get('scope')?.split(' ') ?? [];
  if (
    await popup
      .locator('#allow')
      .count()
      .catch(() => 0)
  ) {
    await choose?.(popup);
    await popup.click('#allow');
  }
  await closed;
  return scopes;
}

/** Signs `user` in from the signed-out page through the emulator's account chooser, and waits for the home page. */
export async function signIn(
  page: Page,
  appOrigin: string,
  user: DirectoryUserResource,
  onSignedOutPage?: (page: Page) => Promise<void>,
): Promise<void> {
  await page.goto(`${appOrigin}/`);
  await onSignedOutPage?.(page);
  await page.click('#sign-in');
  await page.click(`button.account[value="${user.primaryEmail}"]`);
  await page.waitForURL(`${appOrigin}/`);
  await gisLoaded(page);
}

/** Google Identity Services' script loads after first paint; consent buttons work once it has. */
export async function gisLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as { google?: { accounts?: { oauth2?: unknown } } }).google?.accounts?.oauth2 !== undefined);
}
