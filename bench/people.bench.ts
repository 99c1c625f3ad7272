/**
 * People search and access checks at 100,000 users (`npm run bench -- people`).
 *
 * The tenant is the emulator's seed generator (names with accents, titles, cities, custom schemas,
 * hidden and suspended users) mapped through directory sync's own mapping. The index is built as
 * sync builds it, published to DynamoDB Local and loaded as a cold API function loads it; then the
 * API's router answers a fixed query set with a real session, counting DynamoDB reads.
 * Targets: search p95 < 50 ms warm, index load < 1 s, access check p50 < 10 ms.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { SESSION_COOKIE } from '../shared/http/cookies.js';
import { createSession, sessionPolicy } from '../shared/adapters/dynamodb/sessions.js';
import { loadConfig } from '../shared/config/config.js';
import { createDocumentClient, createDynamoClient } from '../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../shared/adapters/dynamodb/create-table.js';

import { KEYS } from '../shared/adapters/dynamodb/table-definition.js';
import { putUser } from '../shared/adapters/dynamodb/users.js';
import { API_ROUTES } from '../shared/routes/api.js';
import type { HttpRequest } from '../shared/http/http.js';
import { createRouter } from '../shared/http/router.js';
import { buildDirectoryIndex, DirectoryIndex, personRecord, searchableFields } from '../shared/domain/people/directory-index.js';
import { publishDirectoryIndex } from '../shared/adapters/dynamodb/people-index-store.js';
import { toDirectoryGroup, toDirectorySchema, toDirectoryUser } from '../shared/adapters/google/map.js';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.js';
import { generateDirectory } from '../local/emulator/seed/directory.js';
import { localDependencies } from '../local/local-dependencies.js';

const execFileAsync = promisify(execFile);
const USERS = 100_000;
const GROUPS = 2_000;
const ROUNDS = 20;
const QUERIES = [
  'jose',
  'josé garcía',
  'JOSE GARCIA',
  'jo',
  'mü',
  'müller',
  'muller',
  'lukasz',
  'łukasz weiß',
  'soren overgaard',
  'zoe bronte',
  'a',
  'an',
  'ada lovelace',
  'ada@example.com',
  'helga ivanova',
  'priya',
  'nguyen',
  'kim',
  'o briain',
  'director',
  'senior specialist',
  'principal',
  'lead',
  'manager sales',
  'engineering',
  'finance director',
  'research berlin',
  'berlin',
  'krakow',
  'kraków',
  'montreal',
  'lisboa',
  'mtl',
  'ber-1',
  'design lisboa lead',
  'mentor',
  'first aider',
  'they them',
  'polyglot engineering',
  '+49 30',
  'e000123',
  'xyzzy',
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

async function coldLoad(endpoint: string, tableName: string): Promise<{ loadMs: number; heldBytes: number; rssBytes: number }> {
  const script = join(import.meta.dirname, 'support', 'cold-load.ts');
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', '--import', 'tsx', script, endpoint, tableName], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { loadMs: number; heldBytes: number; rssBytes: number };
}

export async function run(): Promise<void> {
  console.log(
    `machine: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (figures scale with contention)`,
  );
  const dynamo = await startDynamoDbLocal();
  try {
    const endpoint = dynamo.endpoint;
    const tableName = 'bench-people';
    await ensureTable(createDynamoClient({ endpoint }), tableName);
    const db = createDocumentClient({ endpoint });
    let reads = 0;
    const send = db.send.bind(db) as (command: unknown) => Promise<unknown>;
    (db as { send: (command: unknown) => Promise<unknown> }).send = (command) => {
      if (['GetCommand', 'BatchGetCommand', 'QueryCommand'].includes((command as object).constructor.name)) reads += 1;
      return send(command);
    };

    let t = performance.now();
    const seed = generateDirectory({ seed: 'bench', users: USERS, groups: GROUPS });
    const users = seed.users.map((u) => toDirectoryUser(u as Parameters<typeof toDirectoryUser>[0]));
    const groups = seed.groups.map((g) => ({ ...toDirectoryGroup(g), directMembersCount: Number(g.directMembersCount) }));
    console.log(`tenant: ${users.length} users, ${groups.length} groups generated and mapped in ${ms(performance.now() - t)}`);

    t = performance.now();
    const built = buildDirectoryIndex({ users, groups, schemas: seed.schemas.map(toDirectorySchema) });
    const buildMs = performance.now() - t;
    t = performance.now();
    const published = await publishDirectoryIndex(db, tableName, built);
    console.log(
      `index build (sync side): ${ms(buildMs)} for ${built.people} listed people and ${built.groups} groups; ${mb(built.data.length)} gzip'd ` +
        `in ${published.chunks} chunks; published in ${ms(performance.now() - t)}`,
    );

    // Cold start: what a fresh container does before its first search (pointer, chunks, gunzip, parse, postings), in a fresh process each time.
    const loads: Array<{ loadMs: number; heldBytes: number; rssBytes: number }> = [];
    for (let i = 0; i < 3; i++) loads.push(await coldLoad(endpoint, tableName));
    loads.sort((a, b) => a.loadMs - b.loadMs);
    const median = loads[1]!;
    console.log(
      `cold start: index load ${ms(median.loadMs)} median of 3 fresh processes (min ${ms(loads[0]!.loadMs)}, max ${ms(loads[2]!.loadMs)}; ` +
        `target < 1000 ms); 2 reads (GetItem pointer + one BatchGetItem of ${published.chunks} chunks); index holds ${mb(median.heldBytes)} ` +
        `of heap and buffers, process RSS ${mb(median.rssBytes)}`,
    );

    // Push: what a warm API function does when the worker wrote deltas: lay them over the loaded index (pure CPU, no reads).
    const base = DirectoryIndex.fromData(built.version, built.data);
    const fields = searchableFields(seed.schemas.map(toDirectorySchema));
    const patchTimes = [1, 100, 1000].map((n) => {
      const people = new Map(
        users
          .slice(0, n)
          .map((u) => [
            u.id,
            personRecord({ ...u, name: { ...u.name, familyName: 'Patched', fullName: `${u.name.givenName} Patched` } }, fields) ?? null,
          ]),
      );
      const times = [0, 1, 2].map(() => {
        const started = performance.now();
        base.patched({ people, groups: new Map() }, `${built.version}+${n}`);
        return performance.now() - started;
      });
      return `${n} → ${ms(times.sort((a, b) => a - b)[1]!)}`;
    });
    console.log(`push deltas laid over the loaded index (median of 3), by delta records: ${patchTimes.join(', ')}`);

    // The API as deployed: router, session guard, cached index; a real session in the table.
    const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-bench-'));
    const config = loadConfig({
      RUNTIME_MODE: 'local',
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: endpoint,
      APP_ORIGIN: 'http://localhost:3999',
    });
    const deps = { ...localDependencies(config, stateDirectory), db };
    const me = users.find((u) => u.isAdmin)!;
    await putUser(db, tableName, me);
    const { identifier } = await createSession(db, tableName, me, 'bench', sessionPolicy(config));
    const router = createRouter(API_ROUTES, () => ({ deps }));
    const request = (method: string, path: string, query = '', body?: string): HttpRequest => ({
      method,
      path,
      query: new URLSearchParams(query),
      headers: { 'content-type': 'application/json', origin: config.appOrigin },
      cookies: new Map([[SESSION_COOKIE, identifier]]),
      body,
      requestId: 'bench',
      sourceIp: undefined,
      userAgent: undefined,
      params: {},
    });
    const warm = await router(request('GET', '/api/people', 'q=warm'));
    if (warm.status !== 200) throw new Error(`Search answered ${warm.status}: ${warm.body}`);

    // Baseline: one strongly consistent GetItem against DynamoDB Local, the floor under every request (the session read).
    const baseline: number[] = [];
    for (let i = 0; i < 200; i++) {
      t = performance.now();
      await db.send(new GetCommand({ TableName: tableName, Key: KEYS.health, ConsistentRead: true }));
      baseline.push(performance.now() - t);
    }
    baseline.sort((a, b) => a - b);
    console.log(`DynamoDB Local GetItem (baseline round trip): p50 ${ms(percentile(baseline, 50))}, p95 ${ms(percentile(baseline, 95))}`);

    const samples: number[] = [];
    const perQuery: Array<[string, number, number]> = [];
    reads = 0;
    for (const q of QUERIES) {
      const own: number[] = [];
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        t = performance.now();
        const response = await router(request('GET', '/api/people', `q=${encodeURIComponent(q)}&limit=25`));
        own.push(performance.now() - t);
        if (response.status !== 200) throw new Error(`${q}: ${response.status} ${response.body}`);
        total = (JSON.parse(response.body!) as { items: unknown[] }).items.length;
      }
      samples.push(...own);
      own.sort((a, b) => a - b);
      perQuery.push([q, percentile(own, 50), total]);
    }
    const searchReads = reads / (QUERIES.length * ROUNDS);
    samples.sort((a, b) => a - b);
    const slowest = [...perQuery]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([q, p50]) => `"${q}" ${ms(p50)}`)
      .join(', ');
    console.log(
      `search (GET /api/people, warm, ${QUERIES.length} queries × ${ROUNDS}): p50 ${ms(percentile(samples, 50))}, p95 ` +
        `${ms(percentile(samples, 95))} (target < 50 ms), max ${ms(samples.at(-1)!)}; slowest p50: ${slowest}`,
    );
    console.log(
      `reads per search: ${searchReads.toFixed(2)} (the session GetItem; the index pointer at most once per ` +
        `SEARCH_INDEX_CHECK_SECONDS=${config.searchIndexCheckSeconds})`,
    );

    // Filters: facet values and a manager, alone and with words; each answer counts facets over the whole result.
    const sample = users.find((u) => u.department && u.title && u.locations.some((l) => l.area) && u.managerEmail)!;
    const managerId = users.find((u) => u.primaryEmail.toLowerCase() === sample.managerEmail!.toLowerCase())?.id ?? sample.id;
    const area = sample.locations.find((l) => l.area)!.area!;
    const FILTERS: Array<Record<string, string>> = [
      { department: sample.department! },
      { title: sample.title! },
      { location: area },
      { department: sample.department!, location: area },
      { department: sample.department!, title: sample.title!, location: area },
      { manager: managerId },
      { q: 'a', department: sample.department! },
      { q: 'jose', location: area },
      { q: 'senior', title: sample.title! },
      { q: 'berlin engineering', department: sample.department! },
      {},
    ];
    const filtered: number[] = [];
    const perFilter: Array<[string, number, number]> = [];
    for (const filter of FILTERS) {
      const own: number[] = [];
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        t = performance.now();
        const response = await router(request('GET', '/api/people', `${new URLSearchParams(filter)}&limit=25`));
        own.push(performance.now() - t);
        if (response.status !== 200) throw new Error(`${JSON.stringify(filter)}: ${response.status} ${response.body}`);
        total = (JSON.parse(response.body!) as { total: number }).total;
      }
      filtered.push(...own);
      own.sort((a, b) => a - b);
      perFilter.push([new URLSearchParams(filter).toString() || '(no words, no filter: everyone)', percentile(own, 50), total]);
    }
    filtered.sort((a, b) => a - b);
    const slowestFilters = [...perFilter]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([f, p50, total]) => `${f} ${ms(p50)} (${total} people)`)
      .join(', ');
    console.log(
      `filtered search with facets (GET /api/people?department=…&location=…&title=…&manager=…, ${FILTERS.length} filters × ${ROUNDS}): p50 ` +
        `${ms(percentile(filtered, 50))}, p95 ${ms(percentile(filtered, 95))} (target < 50 ms), max ${ms(filtered.at(-1)!)}; slowest p50: ${slowestFilters}`,
    );

    // Access checks: the user's transitive memberships as sync writes them, then 10 groups asked per check.
    const memberOf = groups.slice(0, 60).map((g) => g.id);
    for (let i = 0; i < memberOf.length; i += 25) {
      await db.send(
        new BatchWriteCommand({
          RequestItems: {
            [tableName]: memberOf.slice(i, i + 25).map((groupId) => ({
              PutRequest: {
                Item: {
                  ...KEYS.transitiveMembership(me.id, groupId),
                  ...KEYS.transitiveIndexKey(me.id, groupId),
                  userId: me.id,
                  groupId,
                  direct: false,
                },
              },
            })),
          },
        }),
      );
    }
    const asked = [...memberOf.slice(0, 5), ...groups.slice(100, 105).map((g) => g.id)];
    const checks: number[] = [];
    reads = 0;
    for (let i = 0; i < 200; i++) {
      t = performance.now();
      const response = await router(request('POST', '/api/access/check', '', JSON.stringify({ userId: me.id, groupIds: asked })));
      checks.push(performance.now() - t);
      if (response.status !== 200 || (JSON.parse(response.body!) as { granted: string[] }).granted.length !== 5)
        throw new Error(`Access check answered ${response.status}: ${response.body}`);
    }
    checks.sort((a, b) => a - b);
    console.log(
      `access check (POST /api/access/check, 10 groups): p50 ${ms(percentile(checks, 50))} (target < 10 ms), p95 ` +
        `${ms(percentile(checks, 95))}; reads per check ${(reads / 200).toFixed(2)} (the session, then the user and one BatchGetItem in ` +
        `parallel: who asks decides whom they may ask about)`,
    );
  } finally {
    await dynamo.stop();
  }
}
