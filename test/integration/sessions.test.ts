import { request, type IncomingMessage } from 'node:http';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import {
  createSession,
  endUserSession,
  endUserSessions,
  hashSessionIdentifier,
  listUserSessions,
  readSession,
  refreshUserSessions,
  type SessionPolicy,
} from '../../shared/adapters/dynamodb/sessions.js';
import { getUserById } from '../../shared/adapters/dynamodb/users.js';
import { makeUser } from '../support/directory.js';
import { freshTable, type TestTable } from '../support/dynamodb.js';
import { ADA, startSignInFixture, type SignInFixture } from '../support/sign-in-app.js';
import { browserFetch, followProviderRedirect, signIn, startLogin } from '../support/sign-in.js';

const HOUR = 3_600_000;
const policy: SessionPolicy = { idleTimeoutMs: 8 * HOUR, absoluteLifetimeMs: 7 * 24 * HOUR };
const CHROME_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

describe('session store on DynamoDB Local, with a test clock', () => {
  let table: TestTable;
  const ada = makeUser({ id: 'ada', primaryEmail: 'ada@example.com' });
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  beforeAll(async () => {
    table = await freshTable();
  });

  it('keeps only the hash, sets the TTL to the earlier of idle and absolute expiry, and ends an idle session', async () => {
    const { identifier, session } = await createSession(table.db, table.tableName, ada, CHROME_MAC, policy, t0);
    expect(identifier).toMatch(/^[\w-]{43}$/); // 256 bits
    expect(session.id).toBe(hashSessionIdentifier(identifier));
    expect(session.device).toBe('Chrome on macOS');
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: `SESSION#${session.id}`, sk: 'SESSION' } }),
    );
    expect(JSON.stringify(Item)).not.toContain(identifier);
    expect(Item?.expiresAt).toBe((t0 + policy.idleTimeoutMs) / 1000);

    expect(await readSession(table.db, table.tableName, identifier, policy, t0 + policy.idleTimeoutMs - 1)).toBeDefined();
    // That read was more than the touch interval later, so idleness counts from it.
    expect(await readSession(table.db, table.tableName, identifier, policy, t0 + 2 * policy.idleTimeoutMs - 2)).toBeDefined();
    expect(await readSession(table.db, table.tableName, identifier, policy, t0 + 3 * policy.idleTimeoutMs)).toBeUndefined();
    // The expired session was deleted, not just refused.
    expect(
      (await table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk: `SESSION#${session.id}`, sk: 'SESSION' } }))).Item,
    ).toBeUndefined();
  });

  it('ends an active session at its absolute lifetime', async () => {
    const { identifier } = await createSession(table.db, table.tableName, ada, undefined, policy, t0);
    let now = t0;
    while (now + 7 * HOUR < t0 + policy.absoluteLifetimeMs) {
      now += 7 * HOUR;
      expect(await readSession(table.db, table.tableName, identifier, policy, now), new Date(now).toISOString()).toBeDefined();
    }
    expect(await readSession(table.db, table.tableName, identifier, policy, t0 + policy.absoluteLifetimeMs)).toBeUndefined();
  });

  it('keeps a busy session alive under the shortest idle timeout allowed (5 minutes)', async () => {
    const short: SessionPolicy = { idleTimeoutMs: 5 * 60_000, absoluteLifetimeMs: HOUR };
    const { identifier } = await createSession(table.db, table.tableName, ada, undefined, short, t0);
    for (let minute = 1; minute <= 30; minute++) {
      expect(await readSession(table.db, table.tableName, identifier, short, t0 + minute * 60_000), `minute ${minute}`).toBeDefined();
    }
  });

  it('refuses identifiers of the wrong shape without a read', async () => {
    for (const bad of [undefined, '', 'short', `${'a'.repeat(42)}!`])
      expect(await readSession(table.db, table.tableName, bad, policy)).toBeUndefined();
  });

  it("lists a user's sessions, ends one only for its owner, ends all, and follows sync's changes", async () => {
    const grace = makeUser({ id: 'grace', primaryEmail: 'grace@example.com' });
    const now = Date.now();
    const a = await createSession(table.db, table.tableName, grace, CHROME_MAC, policy, now - 1000);
    const b = await createSession(
      table.db,
      table.tableName,
      grace,
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1',
      policy,
      now,
    );
    const other = await createSession(table.db, table.tableName, ada, undefined, policy, now);
    const listed = await listUserSessions(table.db, table.tableName, 'grace', policy, now);
    expect(listed.map((s) => [s.id, s.device])).toEqual([
      [b.session.id, 'Safari on iOS'],
      [a.session.id, 'Chrome on macOS'],
    ]);

    expect(await endUserSession(table.db, table.tableName, 'grace', other.session.id)).toBe(false);
    expect(await readSession(table.db, table.tableName, other.identifier, policy, now)).toBeDefined();

    await refreshUserSessions(table.db, table.tableName, { ...grace, isAdmin: true, title: 'Rear Admiral' });
    expect((await readSession(table.db, table.tableName, a.identifier, policy, now))?.user).toMatchObject({
      isAdmin: true,
      title: 'Rear Admiral',
    });

    expect(await endUserSession(table.db, table.tableName, 'grace', a.session.id)).toBe(true);
    expect(await readSession(table.db, table.tableName, a.identifier, policy, now)).toBeUndefined();

    await refreshUserSessions(table.db, table.tableName, { ...grace, suspended: true });
    expect(await readSession(table.db, table.tableName, b.identifier, policy, now)).toBeUndefined();
    expect(await listUserSessions(table.db, table.tableName, 'grace', policy, now)).toEqual([]);
    expect(await endUserSessions(table.db, table.tableName, 'ada')).toBeGreaterThanOrEqual(1);
    expect(await readSession(table.db, table.tableName, other.identifier, policy, now)).toBeUndefined();
  });
});

describe('sessions over HTTP', () => {
  let fx: SignInFixture;
  beforeAll(async () => {
    fx = await startSignInFixture();
  });
  afterAll(() => fx.close());
  afterEach(() => vi.useRealTimers());
  const me = (jar: Map<string, string>) => browserFetch(fx.app.origin, '/api/me', jar);
  const newSession = async () => (await signIn(fx.app.origin, followProviderRedirect)).jar;

  it('expires after the idle timeout', async () => {
    const jar = await newSession();
    vi.setSystemTime(Date.now() + 8 * HOUR - 60_000);
    expect((await me(jar)).status).toBe(200);
    vi.setSystemTime(Date.now() + 8 * HOUR + 60_000);
    expect((await me(jar)).status).toBe(401);
  });

  it('expires at the absolute lifetime however active', async () => {
    const jar = await newSession();
    const start = Date.now();
    for (let elapsed = 7 * HOUR; elapsed < 7 * 24 * HOUR; elapsed += 7 * HOUR) {
      vi.setSystemTime(start + elapsed);
      expect((await me(jar)).status).toBe(200);
    }
    vi.setSystemTime(start + 7 * 24 * HOUR + 1000);
    expect((await me(jar)).status).toBe(401);
  });

  it('lists the sessions with device and times, and ends another one', async () => {
    await endUserSessions(fx.app.deps.db, fx.app.deps.config.tableName, ADA.sub);
    const laptop = await newSession();
    const phone = await newSession();
    const response = await browserFetch(fx.app.origin, '/api/me/sessions', laptop);
    const { sessions } = (await response.json()) as {
      sessions: { id: string; current: boolean; device: string; createdAt: string; lastSeenAt: string }[];
    };
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ device: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String) });
    const phoneId = hashSessionIdentifier(phone.get(SESSION_COOKIE)!);
    const ended = await browserFetch(fx.app.origin, `/api/me/sessions/${phoneId}`, laptop, { method: 'DELETE' });
    expect(ended.status).toBe(204);
    expect((await me(phone)).status).toBe(401);
    expect((await me(laptop)).status).toBe(200);
    const again = await browserFetch(fx.app.origin, `/api/me/sessions/${phoneId}`, laptop, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('signs out everywhere', async () => {
    const laptop = await newSession();
    const phone = await newSession();
    const response = await browserFetch(fx.app.origin, '/auth/logout-everywhere', laptop, { method: 'POST' });
    expect(response.status).toBe(204);
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(401);
  });

  it('ends every session of a user that sync marks suspended or deleted, and of a user an admin revokes', async () => {
    for (const change of [{ suspended: true }, { deletedAt: '2026-03-01T00:00:00Z' }]) {
      const jar = await newSession();
      const user = (await getUserById(fx.app.deps.db, fx.app.deps.config.tableName, ADA.sub))!;
      await refreshUserSessions(fx.app.deps.db, fx.app.deps.config.tableName, { ...user, ...change });
      expect((await me(jar)).status).toBe(401);
    }
    const jar = await newSession();
    expect(await endUserSessions(fx.app.deps.db, fx.app.deps.config.tableName, ADA.sub)).toBe(1);
    expect((await me(jar)).status).toBe(401);
  });

  it('refuses cross-site logout and session changes with 403 JSON, and accepts same-origin ones', async () => {
    const jar = await newSession();
    const cross: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      {},
    ];
    for (const headers of cross) {
      const response = await fetch(`${fx.app.origin}/auth/logout`, {
        method: 'POST',
        headers: { cookie: `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}`, ...headers },
      });
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(await response.json()).toMatchObject({ error: { code: 'cross_site_request' } });
    }
    const deleteCross = await fetch(`${fx.app.origin}/api/me/sessions/x`, {
      method: 'DELETE',
      headers: { cookie: `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}`, origin: 'https://evil.example' },
    });
    expect(deleteCross.status).toBe(403);
    expect((await me(jar)).status).toBe(200);
    // A form navigation without Origin but with Fetch Metadata: signed out and sent home.
    // (node:http, because fetch overrides Sec-Fetch-Mode.)
    const logout = await new Promise<IncomingMessage>((ok, fail) => {
      request(
        `${fx.app.origin}/auth/logout`,
        {
          method: 'POST',
          headers: {
            cookie: `${SESSION_COOKIE}=${jar.get(SESSION_COOKIE)}`,
            'sec-fetch-site': 'same-origin',
            'sec-fetch-mode': 'navigate',
          },
        },
        ok,
      )
        .on('error', fail)
        .end();
    });
    logout.resume();
    expect([logout.statusCode, logout.headers.location]).toEqual([303, '/']);
    expect((await me(jar)).status).toBe(401);
  });
});

describe('operator settings', () => {
  let fx: SignInFixture;
  beforeAll(async () => {
    fx = await startSignInFixture({ ALLOWED_DOMAINS: 'example.com', ENABLED_INTEGRATIONS: 'gmail,calendar' });
  });
  afterAll(() => fx.close());

  it('sends the hd hint when one domain is allowed', async () => {
    const { authorizationUrl } = await startLogin(fx.app.origin, new Map());
    expect(authorizationUrl.searchParams.get('hd')).toBe('example.com');
  });

  it('tells the web client whether the user is an admin', async () => {
    await fx.seed({ id: 'admin-sub', primaryEmail: 'boss@example.com', isAdmin: true });
    fx.provider.account = { sub: 'admin-sub', email: 'boss@example.com', hd: 'example.com' };
    const { jar } = await signIn(fx.app.origin, followProviderRedirect);
    expect(await (await browserFetch(fx.app.origin, '/api/me', jar)).json()).toMatchObject({ isAdmin: true, user: { id: 'admin-sub' } });
  });
});
