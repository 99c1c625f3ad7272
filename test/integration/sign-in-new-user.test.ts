import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { LoginRejected } from '../../shared/domain/auth/errors.js';
import { matchUser } from '../../shared/services/sign-in/match-user.js';
import { claimUserFetch, FETCHES_PER_MINUTE, REQUEST_WINDOW_MS } from '../../shared/adapters/dynamodb/user-fetch-requests.js';
import { getUserById } from '../../shared/adapters/dynamodb/users.js';
import { fetchOneUser } from '../../shared/services/sync/fetch-one-user.js';
import { sessionTerminator } from '../../shared/services/sync/sessions.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { startTestEmulator } from '../support/emulator.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';
import { browserFetch, chooseAccount, signIn } from '../support/sign-in.js';

/**
 * A person created in Google after the last directory sync signs in: sign-in (which holds no Google
 * key) asks the sync side to fetch them by id, shows "being set up", and the next attempt signs
 * them in with the record Google returned. The real sync code against the Google emulator, on
 * DynamoDB Local, with an empty directory table (no sync has run).
 */
describe('first sign-in of a person the directory does not hold yet', () => {
  let emulator: Emulator;
  let app: LocalApp;
  const reason = (promise: Promise<unknown>) =>
    promise.then(
      () => 'matched',
      (error: unknown) => (error instanceof LoginRejected ? error.reason : String(error)),
    );

  beforeAll(async () => {
    emulator = await startTestEmulator({ users: 12, groups: 2 });
    app = await startLocalApp(
      { OIDC_ISSUER: emulator.issuer, GOOGLE_API_ROOT: emulator.origin, GOOGLE_ADMIN_SUBJECT: emulator.directory.admin.primaryEmail },
      { stateDirectory: dirname(dirname(emulator.serviceAccountKeyPath)) },
    );
    emulator.addRedirectUri(app.deps.config.googleClientId, `${app.origin}/auth/callback`);
  });
  afterAll(async () => {
    await app.close();
    await emulator.stop();
  });

  it('shows "being set up", fetches them from Google by id, and signs them in on a later attempt', async () => {
    const person = emulator.directory.users.find((u) => !u.suspended && !u.archived && !u.isAdmin)!;
    const first = await signIn(app.origin, chooseAccount(emulator, person.primaryEmail), { returnTo: '/people' });
    const page = await first.response.text();
    expect(first.response.status, page).toBe(200);
    expect(page).toContain('Your account is being set up');
    expect(page).toContain('url=/auth/login?returnTo=%2Fpeople');
    expect(first.jar.has(SESSION_COOKIE)).toBe(false);
    let stored;
    for (let i = 0; i < 100 && !stored; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await getUserById(app.deps.db, app.deps.config.tableName, person.id);
    }
    expect(stored).toMatchObject({ id: person.id, primaryEmail: person.primaryEmail });
    const second = await signIn(app.origin, chooseAccount(emulator, person.primaryEmail), { returnTo: '/people' });
    expect(second.response.status).toBe(302);
    expect(second.response.headers.get('location')).toBe('/people');
    expect(await (await browserFetch(app.origin, '/api/me', second.jar)).json()).toMatchObject({ user: { id: person.id } });
  });

  it('refuses, after the fetch, a person Google does not know, and a suspended or archived one', async () => {
    const deps = app.deps;
    const wiring = { sessions: sessionTerminator(deps) };
    const identity = (sub: string) => ({ sub, email: `${sub}@example.com`, hd: 'example.com' });
    // Unknown to Google: the request is claimed, the sync side records "not found".
    const ghost = '999999999999999999991';
    expect(await claimUserFetch(deps.db, deps.config.tableName, ghost)).toEqual({ kind: 'requested' });
    expect(await fetchOneUser(deps, wiring, ghost)).toBe('not_found');
    expect(await reason(matchUser(deps, identity(ghost)))).toBe('user_unknown');
    // Suspended and archived in Google: stored as such, refused by their record.
    const suspended = emulator.directory.suspendUser(emulator.directory.users.find((u) => !u.suspended && !u.isAdmin && !u.archived)!.id);
    expect(await fetchOneUser(deps, wiring, suspended.id)).toMatch(/created|updated/);
    expect(await reason(matchUser(deps, identity(suspended.id)))).toBe('account_suspended');
    const archived = emulator.directory.updateUser(emulator.directory.users.find((u) => !u.suspended && !u.isAdmin && !u.archived)!.id, {
      archived: true,
    });
    await fetchOneUser(deps, wiring, archived.id);
    expect(await reason(matchUser(deps, identity(archived.id)))).toBe('account_archived');
  });

  it('asks again at the next attempt when the request to the sync side failed, instead of waiting out the window', async () => {
    const sub = '999999999999999999992';
    const identity = { sub, email: 'new-hire@example.com', hd: 'example.com' };
    const down = {
      ...app.deps,
      fetchUserInProcess: () => {
        throw new Error('the sync side cannot be reached');
      },
    };
    await expect(matchUser(down, identity)).rejects.toThrow('the sync side cannot be reached');
    const asked: string[] = [];
    const up = { ...app.deps, fetchUserInProcess: (userId: string) => void asked.push(userId) };
    expect(await matchUser(up, identity)).toEqual({ settingUp: true });
    expect(asked).toEqual([sub]);
  });

  it('fetches a sub once per window, and the tenant at most FETCHES_PER_MINUTE a minute', async () => {
    const { db, config } = app.deps;
    const minute = Date.UTC(2030, 0, 1, 0, 0);
    expect(await claimUserFetch(db, config.tableName, 'same-sub', minute)).toEqual({ kind: 'requested' });
    expect(await claimUserFetch(db, config.tableName, 'same-sub', minute + 1_000)).toEqual({ kind: 'pending', requestedAt: minute });
    // Past the window the same person may be asked for again.
    expect(await claimUserFetch(db, config.tableName, 'same-sub', minute + REQUEST_WINDOW_MS + 1)).toEqual({ kind: 'requested' });
    const kinds: string[] = [];
    for (let i = 0; i < FETCHES_PER_MINUTE + 5; i++)
      kinds.push((await claimUserFetch(db, config.tableName, `many-${i}`, minute + 2_000)).kind);
    // One of this minute's budget went to same-sub above.
    expect(kinds.filter((k) => k === 'requested')).toHaveLength(FETCHES_PER_MINUTE - 1);
    expect(kinds.slice(FETCHES_PER_MINUTE - 1).every((k) => k === 'over_budget')).toBe(true);
    // A new minute, a new budget.
    expect((await claimUserFetch(db, config.tableName, 'many-0-again', minute + 60_000)).kind).toBe('requested');
  });
});
