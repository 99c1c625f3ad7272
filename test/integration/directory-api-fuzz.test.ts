import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROUTES } from '../../shared/routes/api.js';
import { GOOGLE_USER_ID as USER_ID } from '../../shared/domain/directory/google-ids.js';
import { callbackRoute, loginRoute } from '../../shared/routes/sign-in.js';
import { sessionRoutes } from '../../shared/routes/sign-out.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import { browserFetch, type CookieJar } from '../support/sign-in.js';

/** A small seeded generator (mulberry32): the same malformed inputs on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const junk = (max: number) => {
    const alphabets = ['abcXYZ019', '!"#$&\'()*+,-./:;<=>?@[\\]^_`{|}~ ', 'éßŁø€😀\u0301\u200b\u202e\ufffd', '\u0000\u0001\u007f\n\t'];
    return Array.from({ length: int(max) + 1 }, () => pick([...pick(alphabets)])).join('');
  };
  return { int, pick, junk };
}

const GROUP_ID = /^[0-9a-z]{1,32}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Throws malformed ids, queries, cursors, sizes and bodies at every route of the API function and
 * expects a 4xx JSON error every time: never a 500, never a 2xx for input the API must refuse.
 */
describe('the API under malformed input', () => {
  let api: DirectoryApp;
  let admin: CookieJar;
  let userId: string;
  let groupId: string;
  let cursor: string;
  const random = generator(20261128);

  beforeAll(async () => {
    api = await startDirectoryApp({ users: 40, groups: 12 });
    admin = await api.sessionFor(api.harness.emulator.directory.admin.primaryEmail);
    userId = api.harness.emulator.directory.admin.id;
    groupId = api.harness.emulator.directory.group('engineering@example.com')!.id;
    const page = (await (await api.get('/api/people?q=example&limit=2', admin)).json()) as { nextCursor: string };
    cursor = page.nextCursor;
  }, 120_000);
  afterAll(async () => api?.close());

  const badId = (valid: RegExp): string => {
    for (;;) {
      const candidate = random.pick([
        () => random.junk(30),
        () => '9'.repeat(41),
        () => 'A'.repeat(random.int(70) + 1),
        () => '-1',
        () => '1e5',
        () => '...',
        () => ' 1',
        () => 'x'.repeat(2000),
        () => `${'1'.repeat(5)}%00`,
        () => 'CUSTOMER',
        () => '0x1F',
        () => '1'.repeat(256),
        () => 'ada@example.com',
        () => 'a'.repeat(33),
        () => 'A'.repeat(42),
        () => 'A'.repeat(44),
      ])();
      // `.` and `..` segments (even percent-encoded) are resolved by the client's URL parser before sending.
      if (candidate !== '' && candidate !== '.' && candidate !== '..' && !valid.test(candidate)) return encodeURIComponent(candidate);
    }
  };
  const badPercent = () => random.pick(['%E0%A4%A', '%', '%zz', '%C3%28']);
  const badCursor = () =>
    encodeURIComponent(
      random.pick([
        () => random.junk(40),
        () => 'a.b.c',
        () => 'a.b',
        () => `${cursor}x`,
        () => cursor.replace(/\.[^.]+$/, '.AAAA'),
        () => cursor.split('').reverse().join(''),
        () => 'x'.repeat(3000),
        () => `${cursor.split('.')[0]}.${Buffer.from('{"b":"people|x|example","p":0}').toString('base64url')}.${cursor.split('.')[2]}`,
        () => '..',
      ])(),
    );
  const badLimit = () => encodeURIComponent(random.pick(['0', '101', '-1', 'abc', '1.5', '', '1e2', ' 5', '99999999999999999999']));
  // A blank q is refused by people search; group listing treats it as "all groups", so it is not among these.
  const badQuery = () =>
    encodeURIComponent(
      random.pick([
        () => '.,;!?',
        () => 'a'.repeat(201 + random.int(500)),
        () => Array.from({ length: 11 }, (_, i) => `w${i}`).join(' '),
        () => '\u0301\u200b',
      ])(),
    );
  const badTransitive = () => encodeURIComponent(random.pick(['yes', '1', 'TRUE', '', 'null', 'true ']));
  const listParams = () =>
    random.pick([() => `limit=${badLimit()}`, () => `cursor=${badCursor()}`, () => 'limit=5&limit=6', () => 'cursor='])();

  type Request = { method: string; path: string; body?: string; contentType?: string };
  const bodies = (): Array<Pick<Request, 'body' | 'contentType'>> => [
    { body: random.junk(50), contentType: 'application/json' },
    { body: '{"userId": "1"', contentType: 'application/json' },
    { body: random.pick(['[]', 'null', '42', '"x"', 'true']), contentType: 'application/json' },
    { body: '{}', contentType: random.pick(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']) },
    { body: JSON.stringify({ padding: 'x'.repeat(20_000) }), contentType: 'application/json' },
    { body: JSON.stringify({ [random.junk(8) || 'k']: random.junk(8) }), contentType: 'application/json' },
  ];
  const accessBodies = (): string[] => [
    JSON.stringify({}),
    JSON.stringify({ userId: Number(userId.slice(0, 10)), groupIds: [groupId] }),
    JSON.stringify({ userId: decodeURIComponent(badId(USER_ID)), groupIds: [groupId] }),
    JSON.stringify({ userId, groupIds: random.pick([[], 'x', null, {}, 7]) }),
    JSON.stringify({ userId, groupIds: Array.from({ length: 101 }, () => groupId) }),
    JSON.stringify({ userId, groupIds: [groupId, random.pick([42, null, {}, [], decodeURIComponent(badId(GROUP_ID))])] }),
    JSON.stringify({ userId, groupIds: [groupId], extra: true }),
  ];

  /** Malformed requests for one route: bad path parameters, query parameters, bodies, and methods it does not answer. */
  function malformed(route: (typeof API_ROUTES)[number]): Request[] {
    const requests: Request[] = [];
    const path = () => route.path.replace('{id}', route.path.startsWith('/api/groups') ? groupId : userId);
    const withId = (id: string) => route.path.replace('{id}', id);
    if (route.path.includes('{id}')) {
      const valid = route.path.startsWith('/api/groups') ? GROUP_ID : route.path.startsWith('/api/me/') ? SESSION_ID : USER_ID;
      for (let i = 0; i < 12; i++)
        requests.push({ method: route.method, path: withId(badId(valid)), body: route.method === 'POST' ? '{}' : undefined });
      requests.push({ method: route.method, path: withId(badPercent()) });
    }
    const lists = ['/api/people', '/api/groups', '/api/people/{id}/groups', '/api/groups/{id}/members', '/api/admin/sync/runs'];
    if (route.method === 'GET' && lists.includes(route.path)) {
      const base = route.path === '/api/people' ? 'q=example&' : '';
      for (let i = 0; i < 10; i++) requests.push({ method: 'GET', path: `${path()}?${base}${listParams()}` });
      if (route.path.endsWith('{id}/groups') || route.path.endsWith('/members'))
        for (let i = 0; i < 4; i++) requests.push({ method: 'GET', path: `${path()}?transitive=${badTransitive()}` });
    }
    if (route.path === '/api/people' || route.path === '/api/groups') {
      for (let i = 0; i < 8; i++) requests.push({ method: 'GET', path: `${route.path}?q=${badQuery()}` });
      if (route.path === '/api/people')
        requests.push(
          { method: 'GET', path: '/api/people?q=a&q=b' },
          { method: 'GET', path: '/api/people?manager=ada%40example.com' },
          { method: 'GET', path: `/api/people?title=${'t'.repeat(201)}` },
        );
    }
    if (route.path === '/api/access/check') {
      for (const body of accessBodies()) requests.push({ method: 'POST', path: route.path, body, contentType: 'application/json' });
      for (const body of bodies()) requests.push({ method: 'POST', path: route.path, ...body });
    }
    if (route.path === '/api/admin/sync/run') {
      for (const body of bodies()) requests.push({ method: 'POST', path: route.path, ...body });
      for (const force of ['"yes"', '1', 'null', '{}'])
        requests.push({ method: 'POST', path: route.path, body: `{"force": ${force}}`, contentType: 'application/json' });
    }
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST', 'GET'].filter(
      (m) => !API_ROUTES.some((r) => r.path === route.path && r.method === m),
    )) {
      requests.push({ method, path: path(), body: method === 'GET' ? undefined : '{}', contentType: 'application/json' });
    }
    return requests;
  }

  it.each(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s answers malformed input with a 4xx JSON error',
    async (_name, route) => {
      const requests = malformed(route);
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) {
        const response = await browserFetch(api.app.origin, request.path, admin, {
          method: request.method,
          body: request.body,
          headers: request.contentType ? { 'content-type': request.contentType } : {},
        });
        const text = await response.text();
        const label = `${request.method} ${request.path.slice(0, 120)} ${request.body?.slice(0, 80) ?? ''} → ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, label).toBeGreaterThanOrEqual(400);
        expect(response.status, label).toBeLessThan(500);
        expect(JSON.parse(text), label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      }
    },
  );
});

/** Every route a deployed function serves: the API's list and the /auth functions' routes, so a new route is fuzzed without a change here. */
const EVERY_ROUTE = [...API_ROUTES, loginRoute, callbackRoute, ...sessionRoutes];

/**
 * Every path parameter, query parameter and body field of every /api and /auth route, with
 * over-long, binary, unicode, malformed and percent-encoded values, signed in as an employee and as
 * an admin, over real HTTP: never a 5xx; for /api every error is JSON. (Valid-enough input may
 * answer 2xx or 3xx: an unknown query parameter is ignored, /auth/login redirects.)
 */
describe('every route under hostile values', () => {
  let api: DirectoryApp;
  const random = generator(20261206);
  const emails: Record<string, string> = {};

  beforeAll(async () => {
    api = await startDirectoryApp({ users: 20, groups: 6 });
    const { directory } = api.harness.emulator;
    emails.admin = directory.admin.primaryEmail;
    emails.employee = directory.users.find((u) => !u.isAdmin && !u.suspended && !u.archived && u.includeInGlobalAddressList)!.primaryEmail;
  }, 120_000);
  afterAll(async () => api?.close());

  /** Raw (unencoded) hostile strings; each is sent percent-encoded, and some also raw. */
  const hostile = (): string[] => [
    'x'.repeat(3000),
    '9'.repeat(3000),
    'A'.repeat(43 * 3),
    '\u0000\u0001\u007f',
    '\uffff\ufffe',
    '\ud800',
    '😀'.repeat(200),
    '\u202e\u200b\u0301',
    '../../etc/passwd',
    '%',
    '%zz',
    '%C3%28',
    '%2F',
    '%252F',
    'a/b',
    '<script>',
    "'; DROP TABLE",
    '{"$ne":null}',
    'null',
    '-1',
    '1e400',
    ' ',
    random.junk(60),
  ];
  /** How a hostile string goes into a URL: percent-encoded, and (for a few) raw, malformed percent-encoding included. */
  const inUrl = (value: string): string[] => {
    const encoded = encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
    return /^[%A-Za-z0-9]+$/.test(value) && value.length < 100 ? [encoded, value] : [encoded];
  };
  const QUERY_NAMES = ['q', 'limit', 'cursor', 'transitive', 'returnTo', 'state', 'code', 'error', 'unknown'];
  const BODY_FIELDS = ['userId', 'groupIds', 'force', 'unknown'];

  function requests(route: (typeof EVERY_ROUTE)[number]): Array<{ path: string; body?: string }> {
    const out: Array<{ path: string; body?: string }> = [];
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    // A harmless stand-in for each path parameter while another part is fuzzed; a state-changing route gets a body it refuses, so nothing runs.
    const plain = route.path.replace(/\{\w+\}/g, '1');
    const refused = route.method === 'GET' ? undefined : '{"unknown":1}';
    for (const param of params)
      for (const value of hostile())
        for (const segment of inUrl(value)) out.push({ path: route.path.replace(`{${param}}`, segment), body: refused });
    for (const name of QUERY_NAMES)
      for (const value of hostile()) for (const encoded of inUrl(value)) out.push({ path: `${plain}?${name}=${encoded}`, body: refused });
    out.push(
      { path: `${plain}?${'a'.repeat(1000)}=${'b'.repeat(3000)}`, body: refused },
      { path: `${plain}?q=a&q=b&limit=1&limit=2`, body: refused },
    );
    if (route.method !== 'GET') {
      const values: unknown[] = [
        ...hostile(),
        Number.MAX_SAFE_INTEGER * 1000,
        -1,
        1.5,
        true,
        null,
        [],
        {},
        ['x'.repeat(3000)],
        Array.from({ length: 1000 }, () => '1'),
        { a: { b: { c: [] } } },
      ];
      for (const field of BODY_FIELDS)
        for (const value of values)
          out.push({ path: plain, body: JSON.stringify({ [field]: value, ...(field === 'userId' ? { groupIds: ['CUSTOMER'] } : {}) }) });
      out.push(
        { path: plain, body: '\u0000\u00ff' },
        { path: plain, body: `{"userId":"${'1'.repeat(3000)}","groupIds":["CUSTOMER"]}` },
        { path: plain, body: '{"a":'.repeat(5000) },
      );
    }
    return out;
  }

  const cases = EVERY_ROUTE.flatMap((route) =>
    (['employee', 'admin'] as const).map((role) => [`${role}: ${route.method} ${route.path}`, role, route] as const),
  );
  it.each(cases)(
    '%s: never a 5xx, and a JSON error from /api',
    async (_name, role, route) => {
      const base = await api.sessionFor(emails[role]!);
      for (const request of requests(route)) {
        // A sign-out ends the session it is sent with; each gets its own, so every request is tried signed in.
        const jar = route.path.startsWith('/auth/logout') ? await api.sessionFor(emails[role]!) : new Map(base);
        const response = await browserFetch(api.app.origin, request.path, jar, {
          method: route.method,
          body: request.body,
          headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
        });
        const text = await response.text();
        const label = `${route.method} ${request.path.slice(0, 120)} ${request.body?.slice(0, 80) ?? ''} → ${response.status} ${text.slice(0, 200)}`;
        expect(response.status, label).toBeLessThan(500);
        if (route.path.startsWith('/api/') && response.status >= 400) {
          expect(JSON.parse(text), label).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
        }
      }
    },
    120_000,
  );
});
