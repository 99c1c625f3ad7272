/**
 * The emulated Google Identity Services token popup over HTTP: the rules the browser flow relies
 * on (registered origin, granular consent, remembered grants and include_granted_scopes, revoke).
 * The browser side (script, popup, postMessage) is covered by test/e2e/web.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../shared/config/config.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { startTestEmulator } from '../support/emulator.js';

const AUTH = 'https://www.googleapis.com/auth/';
const APP = 'http://localhost:3999';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'gsi', users: 20, groups: 2 });
  emulator.addRedirectUri(LOCAL_DEFAULTS.googleClientId, `${APP}/auth/callback`);
});
afterAll(() => emulator.stop());

const email = () => emulator.directory.admin.primaryEmail;
const params = (scopes: string[], extra: Record<string, string> = {}) =>
  new URLSearchParams({
    client_id: LOCAL_DEFAULTS.googleClientId,
    origin: APP,
    state: 's1',
    include_granted_scopes: 'true',
    prompt: '',
    login_hint: email(),
    scope: scopes.join(' '),
    ...extra,
  });

async function open(scopes: string[], extra: Record<string, string> = {}) {
  const response = await fetch(`${emulator.origin}/gsi/authorize?${params(scopes, extra).toString()}`);
  return { status: response.status, page: await response.text() };
}

/** Approves the consent form with `ticked` scopes and returns the token response posted to the opener. */
async function approve(requested: string[], ticked: string[]) {
  const form = new URLSearchParams({
    client_id: LOCAL_DEFAULTS.googleClientId,
    origin: APP,
    state: 's1',
    include_granted_scopes: 'true',
    account: email(),
    scope_list: requested.join(' '),
    action: 'allow',
  });
  for (const scope of ticked) form.append('scope', scope);
  const response = await fetch(`${emulator.origin}/gsi/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return result(await response.text());
}

function result(page: string): { state: string; origin: string; response: { access_token?: string; scope?: string; error?: string } } {
  const json = /<script type="application\/json" id="gsi-result">(.*?)<\/script>/s.exec(page)?.[1];
  if (!json) throw new Error(`No token response in: ${page.slice(0, 200)}`);
  return JSON.parse(json) as ReturnType<typeof result>;
}

describe('the GIS token popup', () => {
  it("refuses an origin the client did not register, on Google's error page", async () => {
    const { status, page } = await open([`${AUTH}drive.readonly`], { origin: 'http://evil.example' });
    expect(status).toBe(400);
    expect(page).toContain('origin_mismatch');
    expect(page).not.toContain('gsi-result');
  });

  it('lists each requested scope with its own checkbox, and issues a token for the ticked ones only', async () => {
    const requested = [`${AUTH}gmail.metadata`, `${AUTH}calendar.readonly`];
    const { page } = await open(requested);
    for (const scope of requested) expect(page).toContain(`type="checkbox" name="scope" value="${scope}"`);
    const answer = await approve(requested, [`${AUTH}gmail.metadata`]);
    expect(answer).toMatchObject({ state: 's1', origin: APP, response: { scope: `${AUTH}gmail.metadata` } });
    const token = answer.response.access_token!;
    expect(
      (await fetch(`${emulator.origin}/gmail/v1/users/me/labels/INBOX`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(200);
    expect(
      (await fetch(`${emulator.origin}/calendar/v3/calendars/primary/events`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(403);
  });

  it('adds earlier grants with include_granted_scopes, and answers at once when nothing new is asked', async () => {
    const answer = await approve([`${AUTH}drive.readonly`], [`${AUTH}drive.readonly`]);
    expect(answer.response.scope?.split(' ').sort()).toEqual([`${AUTH}drive.readonly`, `${AUTH}gmail.metadata`]);
    const again = await open([`${AUTH}gmail.metadata`]);
    expect(result(again.page).response.scope?.split(' ').sort()).toEqual([`${AUTH}drive.readonly`, `${AUTH}gmail.metadata`]);
    const notIncluded = await open([`${AUTH}gmail.metadata`], { include_granted_scopes: 'false' });
    expect(result(notIncluded.page).response.scope).toBe(`${AUTH}gmail.metadata`);
  });

  it('forgets the grants once the app is revoked: the next request asks again', async () => {
    const token = result((await open([`${AUTH}gmail.metadata`])).page).response.access_token!;
    const revoked = await fetch(`${emulator.origin}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${token}`,
    });
    expect(revoked.status).toBe(200);
    const { page } = await open([`${AUTH}gmail.metadata`]);
    expect(page).toContain('id="allow"');
    expect(page).not.toContain('You already granted');
  });

  it('answers "access_denied" when the user cancels', async () => {
    const form = new URLSearchParams({
      client_id: LOCAL_DEFAULTS.googleClientId,
      origin: APP,
      state: 's1',
      account: email(),
      scope_list: `${AUTH}drive`,
      action: 'deny',
    });
    const response = await fetch(`${emulator.origin}/gsi/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(result(await response.text()).response).toEqual({ error: 'access_denied', error_description: 'The user denied the request.' });
  });
});
