import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { putUser } from '../../shared/adapters/dynamodb/users.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { CONSUMER_EMAIL, UNVERIFIED_EMAIL } from '../../local/emulator/oauth/accounts.js';
import { EMULATOR_JWT_PREFIX, EMULATOR_TOKEN_MARKER } from '../../local/emulator/oauth/tokens.js';
import { makeUser } from '../support/directory.js';
import { startTestEmulator } from '../support/emulator.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';
import { captureOutput } from '../support/logs.js';
import { browserFetch, chooseAccount, signIn } from '../support/sign-in.js';

/**
 * Sign in with Google end to end against the Google emulator (the local twin of Google's OpenID
 * provider and its account chooser), and the promise to customers: no Google token, code or
 * verifier, and no raw session identifier, in any stored item or any log line.
 */
describe('sign-in through the Google emulator', () => {
  let emulator: Emulator;
  let app: LocalApp;

  beforeAll(async () => {
    emulator = await startTestEmulator({ users: 20, groups: 5 });
    app = await startLocalApp({ OIDC_ISSUER: emulator.issuer });
    emulator.addRedirectUri(app.deps.config.googleClientId, `${app.origin}/auth/callback`);
    // Directory sync is its own issue: seed the directory table from the emulator's tenant.
    for (const user of emulator.directory.users) {
      await putUser(
        app.deps.db,
        app.deps.config.tableName,
        makeUser({
          id: user.id,
          primaryEmail: user.primaryEmail,
          aliases: user.aliases ?? [],
          name: user.name,
          isAdmin: user.isAdmin ?? false,
          suspended: user.suspended ?? false,
          archived: user.archived ?? false,
        }),
      );
    }
  });
  afterAll(async () => {
    await app.close();
    await emulator.stop();
  });

  it('signs in a demo user through the account chooser, lands on returnTo, answers /api/me, and logs out', async () => {
    const admin = emulator.directory.admin;
    const { response, jar } = await signIn(app.origin, chooseAccount(emulator, admin.primaryEmail), { returnTo: '/people' });
    expect(response.status, await response.clone().text()).toBe(302);
    expect(response.headers.get('location')).toBe('/people');
    const me = await browserFetch(app.origin, '/api/me', jar);
    expect(await me.json()).toMatchObject({
      user: { id: admin.id, primaryEmail: admin.primaryEmail, name: { fullName: admin.name.fullName } },
      isAdmin: true,
    });
    expect((await browserFetch(app.origin, '/auth/logout', jar, { method: 'POST' })).status).toBe(204);
    expect((await browserFetch(app.origin, '/api/me', jar)).status).toBe(401);
  });

  it.each([
    [CONSUMER_EMAIL, 'hd_missing', 'personal Google account'],
    [UNVERIFIED_EMAIL, 'email_unverified', 'has not verified the email address'],
  ])('refuses %s with a clear page', async (email, reason, explanation) => {
    const { response } = await signIn(app.origin, chooseAccount(emulator, email));
    const page = await response.text();
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page).toContain(reason);
    expect(page).toContain(explanation);
    expect(response.headers.getSetCookie().some((c) => c.startsWith(SESSION_COOKIE))).toBe(false);
  });

  it('never stores or logs a Google token, code or verifier, nor the raw session identifier', async () => {
    const capture = captureOutput();
    const sessionIds: string[] = [];
    try {
      for (const user of emulator.directory.users.filter((u) => !u.suspended && !u.archived).slice(0, 3)) {
        const { jar, sessionId } = await signIn(app.origin, chooseAccount(emulator, user.primaryEmail), { returnTo: '/home' });
        sessionIds.push(sessionId!);
        await browserFetch(app.origin, '/api/me', jar);
        await browserFetch(app.origin, '/api/me/sessions', jar);
        await browserFetch(app.origin, '/auth/logout', jar, { method: 'POST' });
      }
      await signIn(app.origin, chooseAccount(emulator, CONSUMER_EMAIL));
    } finally {
      capture.restore();
    }
    const issued = emulator.issuedTokens();
    expect(issued.length).toBeGreaterThan(6); // codes, access tokens and ID tokens of four sign-ins
    expect(sessionIds).toHaveLength(3);
    const secrets = [
      EMULATOR_TOKEN_MARKER,
      EMULATOR_JWT_PREFIX,
      ...issued,
      ...issued.flatMap((t) => t.split('.').filter((part) => part.length > 20)),
      ...sessionIds,
    ];

    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await app.deps.db.send(new ScanCommand({ TableName: app.deps.config.tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    const lines = capture.lines();
    expect(items.length).toBeGreaterThan(20);
    expect(lines.some((line) => line.includes('"signed in"'))).toBe(true);
    for (const item of items) {
      const text = JSON.stringify(item);
      for (const secret of secrets) expect(text.includes(secret), `item ${String(item.pk)} contains a secret`).toBe(false);
    }
    for (const line of lines) {
      for (const secret of secrets) expect(line.includes(secret), `log line contains a secret: ${line.slice(0, 120)}`).toBe(false);
    }
  });
});
