/**
 * `npm run bench -- push [--changes N] [--in-flight K]`: push-driven sync on a 10,000-person emulated tenant
 * (1,000 groups), the intranet on the local host over DynamoDB Local, the emulator delivering
 * notifications to it with the default local audit lag (2 s). An admin-style client (Google's own
 * @googleapis/admin) makes N changes of each kind (default 100), K in flight at once (default 8), and each
 * is timed from the write's response to the change visible through the intranet's own API:
 *   new hire (GET /api/people/{id} answers)                  target p95 < 10 s
 *   rename (the profile shows the new name)                  target p95 < 10 s
 *   suspend (the person's session gets 401 from /api/me)     target p95 < 10 s
 *   membership added (POST /api/access/check grants it)      target p95 < audit lag + 10 s
 * Then the Google reads per change, and the Google calls per day at 10,000 people with 1 % daily
 * churn: push plus a daily reconciliation against hourly polling, from the measured counts. For the
 * cost model, per change: DynamoDB read and write units of the worker (deltas, and the compactions
 * past the delta bound, amortized) and of the receiver, as DynamoDB reports them
 * (ReturnConsumedCapacity), and the worker's time. Before the changes: where a full index rebuild's
 * time goes (read, build, write) and an API function's index load; after them, the load with the
 * pending deltas laid over it.
 */
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { join, resolve } from 'node:path';
import { admin_directory_v1 } from '@googleapis/admin';
import { SESSION_COOKIE } from '../shared/http/cookies.js';
import { createSession, sessionPolicy } from '../shared/adapters/dynamodb/sessions.js';
import { loadConfig } from '../shared/config/config.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { KEYS } from '../shared/adapters/dynamodb/table-definition.js';
import { createDocumentClient, createDynamoClient } from '../shared/adapters/dynamodb/client.js';
import { readPointer, rebuildSearchIndex, SearchIndexCache } from '../shared/adapters/dynamodb/people-index-store.js';
import { PUSH_BATCH_MEASURE } from '../shared/services/push/worker.js';
import { emptyTally, meterCapacity, type CapacityTally } from './support/dynamodb-capacity.js';
import { ensureTable } from '../shared/adapters/dynamodb/create-table.js';
import { syncTokenSource } from '../shared/adapters/google/credentials.js';
import { delegatedAuthClient } from '../shared/adapters/google/delegated-token.js';
import { securityHeaders, GOOGLE_ORIGINS } from '../shared/http/security-headers.js';
import { getUserById } from '../shared/adapters/dynamodb/users.js';
import { manageChannels } from '../shared/services/push/manager.js';
import { createManagerDeps } from '../shared/services/push/setup.js';
import { provideDependencies } from '../shared/runtime/dependencies.js';
import { startSync } from '../shared/services/sync/invocation.js';
import { runSummary } from '../shared/services/sync/report.js';
import { sessionTerminator } from '../shared/services/sync/sessions.js';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.js';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../local/emulator/directory/scopes.js';
import { startEmulator } from '../local/emulator/emulator.js';
import { REPORTS_AUDIT_SCOPE } from '../local/emulator/push/routes.js';
import { createLocalHost } from '../local/host/server.js';
import { localDependencies } from '../local/local-dependencies.js';

const USERS = 10_000;
const GROUPS = 1_000;
const AUDIT_LAG_MS = 2_000;
const POLL_MS = 200;
const GIVE_UP_MS = 60_000;
/** Google reads the worker makes (writes and watch calls are the admin's and the manager's). */
const WORKER_READS = ['directory.users.get', 'directory.groups.get', 'directory.members.list'];

export async function run(args: string[]): Promise<void> {
  const changeArg = args.indexOf('--changes');
  const perKind = changeArg >= 0 ? Number(args[changeArg + 1]) : 100;
  const inFlightArg = args.indexOf('--in-flight');
  const inFlight = inFlightArg >= 0 ? Number(args[inFlightArg + 1]) : 8;
  const dynamo = await startDynamoDbLocal();
  const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-bench-push-'));
  const emulator = await startEmulator({
    port: 0,
    seed: 'bench-push',
    users: USERS,
    groups: GROUPS,
    stateDirectory,
    push: { auditLagMs: AUDIT_LAG_MS },
  });
  emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, REPORTS_AUDIT_SCOPE, DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group]);
  const root = resolve(import.meta.dirname, '..');
  const host = createLocalHost({ root, webRoot: join(root, 'web', 'dist'), securityHeaders: securityHeaders(GOOGLE_ORIGINS) });
  await new Promise<void>((ok) => host.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  const config = loadConfig({
    RUNTIME_MODE: 'local',
    APP_ORIGIN: origin,
    TABLE_NAME: 'bench-push',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    GOOGLE_API_ROOT: emulator.origin,
    GOOGLE_ADMIN_SUBJECT: emulator.directory.admin.primaryEmail,
    LOG_LEVEL: 'WARN',
  });
  await ensureTable(createDynamoClient({ endpoint: dynamo.endpoint }), config.tableName);
  const deps = localDependencies(config, stateDirectory);
  // The API (and the receiver behind it) on a client of its own, so the worker's units are counted apart from the polling.
  const apiDb = createDocumentClient({ endpoint: dynamo.endpoint });
  provideDependencies({ ...deps, db: apiDb });
  let workerUnits = emptyTally();
  let receiverUnits = emptyTally();
  meterCapacity(deps.db, () => workerUnits);
  meterCapacity(apiDb, (partition) => (partition.startsWith('PUSH') ? receiverUnits : undefined));
  let workerMs = 0;
  const batches = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === PUSH_BATCH_MEASURE) workerMs += entry.duration;
  });
  batches.observe({ entryTypes: ['measure'] });
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
  console.log(`load average at start: ${load()}`);
  try {
    const first = await startSync(
      deps,
      { sessions: sessionTerminator(deps) },
      { invocationId: 'bench-first', remainingMs: () => Number.POSITIVE_INFINITY },
      { untilDone: true },
    );
    const fullSyncCalls = runSummary(first).apiCalls as number;
    console.log(
      `tenant: ${USERS} people, ${GROUPS} groups; first full sync ${runSummary(first).status} with ${fullSyncCalls} Google calls`,
    );
    workerUnits = emptyTally();
    const rebuild = await rebuildSearchIndex(deps.db, config.tableName);
    console.log(
      `full index rebuild at ${rebuild.people} people: read ${rebuild.timings!.readMs} ms, ` +
        `build ${rebuild.timings!.buildMs} ms, write ${rebuild.timings!.writeMs} ms (${rebuild.chunks} chunks, ` +
        `${(rebuild.bytes / 1024).toFixed(0)} KB); ${JSON.stringify(workerUnits)} units`,
    );
    const timedLoad = async () => {
      const started = performance.now();
      const index = await new SearchIndexCache(apiDb, config.tableName, 0).current();
      return { ms: performance.now() - started, index };
    };
    console.log(`API index load (pointer + chunks + unpack): ${(await timedLoad()).ms.toFixed(0)} ms`);
    const managed = await manageChannels(await createManagerDeps(deps));
    console.log(
      `channels opened: ${managed.opened.length}${managed.failures.length ? `, failures: ${JSON.stringify(managed.failures)}` : ''}`,
    );
    await emulator.push.idle();

    // An admin's tool making the changes: the read-write Directory scopes, through the sync's own credentials.
    const admin = new admin_directory_v1.Admin({
      auth: delegatedAuthClient(await syncTokenSource(deps), [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group]),
      rootUrl: `${emulator.origin}/`,
    });
    const cookieFor = async (userId: string) => {
      const user = await getUserById(deps.db, config.tableName, userId);
      const { identifier } = await createSession(apiDb, config.tableName, user!, 'bench', sessionPolicy(config));
      return `${SESSION_COOKIE}=${identifier}`;
    };
    const adminCookie = await cookieFor(emulator.directory.admin.id);
    const api = (path: string, cookie: string, init: RequestInit = {}) =>
      fetch(`${origin}${path}`, { ...init, headers: { cookie, origin, ...(init.headers ?? {}) } });
    // Listed people only: an archived person, or one hidden from the directory, is rightly never visible to colleagues.
    const people = emulator.directory.users.filter(
      (u) => !u.deletionTime && !u.isAdmin && !u.suspended && !u.archived && u.includeInGlobalAddressList !== false,
    );
    let cursor = 0;
    const joined = new Map<number, { person: (typeof people)[number]; groupId: string }>();
    const renamed = new Map<number, { person: (typeof people)[number]; before: number }>();
    const nextPerson = () => people[cursor++]!;

    const kinds: Array<{
      name: string;
      target: string;
      change: (i: number) => Promise<() => Promise<boolean>>;
      /** What the table and the API hold for a change not visible in time (the diagnosis). */
      explain?: (i: number) => Promise<string>;
    }> = [
      {
        name: 'new hire',
        target: 'p95 < 10 s',
        change: async (i) => {
          const { data } = await admin.users.insert({
            requestBody: {
              primaryEmail: `bench.hire${i}@example.com`,
              name: { givenName: 'Bench', familyName: `Hire${i}` },
              password: 'b'.repeat(12),
            },
          });
          return async () => (await api(`/api/people/${data.id}`, adminCookie)).status === 200;
        },
      },
      {
        name: 'rename',
        target: 'p95 < 10 s',
        explain: async (i) => {
          const { person, before } = renamed.get(i)!;
          const stored = await getUserById(apiDb, config.tableName, person.id);
          const shown = (await (await api(`/api/people/${person.id}`, adminCookie)).json()) as { name?: { familyName?: string } };
          const index = await new SearchIndexCache(apiDb, config.tableName, 0).current();
          const { Item: delta } = await apiDb.send(
            new GetCommand({ TableName: config.tableName, Key: KEYS.searchIndexDelta('person', person.id), ConsistentRead: true }),
          );
          const { shared: _shared, ...flags } = stored ?? {};
          return [
            `${person.id}: API before the change ${before}; Google ${JSON.stringify((await admin.users.get({ userKey: person.id })).data.name)}`,
            `stored ${JSON.stringify({ ...flags, name: stored?.name })}`,
            `API ${JSON.stringify(shown.name ?? shown)}; in the index ${index?.version}: ${JSON.stringify(index?.personById(person.id)?.name)}`,
            `delta ${JSON.stringify(delta && { seq: delta.seq, name: (delta.record as { fullName?: string } | null)?.fullName ?? null })}`,
          ].join('; ');
        },
        change: async (i) => {
          const person = nextPerson();
          renamed.set(i, { person, before: (await api(`/api/people/${person.id}`, adminCookie)).status });
          await admin.users.patch({
            userKey: person.id,
            requestBody: { name: { givenName: person.name.givenName, familyName: `Renamed${i}` } },
          });
          return async () =>
            ((await (await api(`/api/people/${person.id}`, adminCookie)).json()) as { name?: { familyName?: string } }).name?.familyName ===
            `Renamed${i}`;
        },
      },
      {
        name: 'suspend + sessions ended',
        target: 'p95 < 10 s',
        change: async () => {
          const person = nextPerson();
          const cookie = await cookieFor(person.id);
          await admin.users.patch({ userKey: person.id, requestBody: { suspended: true } });
          return async () => (await api('/api/me', cookie)).status === 401;
        },
      },
      {
        name: 'membership added',
        target: `p95 < ${(AUDIT_LAG_MS + 10_000) / 1000} s (audit lag + 10 s)`,
        explain: async (i) => {
          const { person, groupId } = joined.get(i)!;
          const stored = await getUserById(apiDb, config.tableName, person.id);
          const { Item } = await apiDb.send(
            new GetCommand({ TableName: config.tableName, Key: KEYS.transitiveMembership(person.id, groupId) }),
          );
          return (
            `${person.id} in ${groupId}: stored membership ${Item ? 'yes' : 'no'}; ` +
            `stored user listed ${stored?.visibleInDirectory} suspended ${stored?.suspended}`
          );
        },
        change: async (i) => {
          const person = nextPerson();
          const group = emulator.directory.groups[i % emulator.directory.groups.length]!;
          joined.set(i, { person, groupId: group.id });
          const granted = async () =>
            (
              (await (
                await api('/api/access/check', adminCookie, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify({ userId: person.id, groupIds: [group.id] }),
                })
              ).json()) as { granted: string[] }
            ).granted.length === 1;
          if (await granted()) return granted; // already in it (nested or whole-tenant); still timed
          await admin.members.insert({ groupKey: group.id, requestBody: { email: person.primaryEmail, role: 'MEMBER' } });
          return granted;
        },
      },
    ];

    const rows: string[] = [];
    const units = (t: CapacityTally) =>
      `RCU ${(t.read / perKind).toFixed(1)} WCU ${(t.write / perKind).toFixed(1)} (${(t.calls / perKind).toFixed(1)} calls)`;
    const readsPerChange = new Map<string, number>();
    for (const kind of kinds) {
      const before = emulator.counters();
      const pointerBefore = await readPointer(apiDb, config.tableName);
      let compactions = 0;
      let watched = pointerBefore && `${pointerBefore.version}|${pointerBefore.baseSeq ?? 0}`;
      const watchCompactions = setInterval(() => {
        void readPointer(apiDb, config.tableName).then((p) => {
          const mark = p && `${p.version}|${p.baseSeq ?? 0}`;
          if (mark && mark !== watched) {
            watched = mark;
            compactions += 1;
          }
        });
      }, 500);
      workerUnits = emptyTally();
      receiverUnits = emptyTally();
      workerMs = 0;
      const lostDetails: string[] = [];
      const latencies: number[] = [];
      let lost = 0;
      let next = 0;
      const worker = async () => {
        while (next < perKind) {
          const i = next++;
          const visible = await kind.change(i);
          const written = performance.now();
          for (;;) {
            if (await visible()) {
              latencies.push(performance.now() - written);
              break;
            }
            if (performance.now() - written > GIVE_UP_MS) {
              lost += 1;
              lostDetails.push(`change ${i}: ${await kind.explain?.(i)}`);
              break;
            }
            await new Promise((ok) => setTimeout(ok, POLL_MS));
          }
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      await emulator.push.idle();
      await deps.pushQueue.idle();
      clearInterval(watchCompactions);
      const after = emulator.counters();
      const reads = WORKER_READS.reduce((n, m) => n + (after[m] ?? 0) - (before[m] ?? 0), 0);
      readsPerChange.set(kind.name, reads / perKind);
      latencies.sort((a, b) => a - b);
      const pct = (p: number) => (latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]! / 1000).toFixed(2);
      rows.push(
        `${kind.name.padEnd(26)} n=${latencies.length}${lost ? ` LOST ${lost}` : ''}  p50 ${pct(0.5)} s  ` +
          `p95 ${pct(0.95)} s  max ${pct(1)} s  (${kind.target})  Google reads/change ${(reads / perKind).toFixed(2)}`,
        `${''.padEnd(26)} per change: worker ${(workerMs / perKind).toFixed(0)} ms, ${units(workerUnits)}; ` +
          `receiver ${units(receiverUnits)}; ${compactions} compactions in the phase; load ${load()}`,
        ...lostDetails.map((d) => `${''.padEnd(26)} not visible: ${d}`),
      );
      console.log(rows.slice(-2 - lostDetails.length).join('\n'));
    }

    const withDeltas = await timedLoad();
    const pointer = await readPointer(apiDb, config.tableName);
    console.log(
      `API index load with the pending deltas laid over it: ${withDeltas.ms.toFixed(0)} ms (version ${withDeltas.index?.version}, base ${pointer?.version})`,
    );
    batches.disconnect();

    // The safety net after the changes: one full run (what push makes daily and polling hourly), with the deltas folded in.
    workerUnits = emptyTally();
    const reconcileStarted = performance.now();
    const reconcile = await startSync(
      deps,
      { sessions: sessionTerminator(deps) },
      { invocationId: 'bench-reconcile', remainingMs: () => Number.POSITIVE_INFINITY },
      { untilDone: true },
    );
    const summary = runSummary(reconcile);
    console.log(
      `full run after the changes (reconciliation): ${summary.status}, ${summary.apiCalls} Google calls, ` +
        `${((performance.now() - reconcileStarted) / 1000).toFixed(1)} s, ` +
        `RCU ${workerUnits.read.toFixed(0)} WCU ${workerUnits.write.toFixed(0)} (${workerUnits.calls} calls; ` +
        `index rebuilt: ${(await readPointer(apiDb, config.tableName))?.version})`,
    );

    // Calls per day at this tenant with 1 % daily churn: 100 user changes and 100 membership changes.
    const churn = Math.round(USERS * 0.01);
    const userRead = readsPerChange.get('rename')!;
    const groupReads = readsPerChange.get('membership added')!;
    const channelCalls = 3 * 2 * Math.ceil(24 / (config.push.channelTtlHours - 1.5));
    const pushPerDay = Math.round(churn * userRead + churn * groupReads + fullSyncCalls + channelCalls);
    const pollingPerDay = 24 * fullSyncCalls;
    console.log(
      `Google calls/day at ${USERS} people, 1 % churn: push ${pushPerDay} (${churn} user changes × ` +
        `${userRead.toFixed(2)}, ${churn} group changes × ${groupReads.toFixed(2)}, ` +
        `1 daily reconciliation × ${fullSyncCalls}, channel renewals ${channelCalls})`,
    );
    console.log(
      `                                       hourly polling ${pollingPerDay} (24 × ${fullSyncCalls}); ` +
        `polling / push = ${(pollingPerDay / pushPerDay).toFixed(1)}×`,
    );
  } finally {
    console.log(`load average at end: ${load()}`);
    deps.pushQueue.stop();
    await emulator.push.idle();
    await new Promise<void>((ok) => {
      host.close(() => ok());
      host.closeAllConnections();
    });
    await emulator.stop();
    await dynamo.stop();
  }
}
