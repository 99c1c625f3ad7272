/**
 * `npm run bench -- emulator`: the Google emulator at benchmark size (100,000 users, 20,000
 * groups): seed time, memory, and how fast it serves pages to a delegated client.
 * Target (issue 3): a users.list page of 500 in under 20 ms with 100,000 users in memory.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES } from '../local/emulator/directory/scopes.js';
import { delegatedJwtClient, parseServiceAccountKey } from '../shared/adapters/google/service-account-client.js';

const USERS = 100_000;
const GROUPS = 20_000;
const PAGE_TARGET_MS = 20;

export async function run(): Promise<void> {
  const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-emulator-bench-'));
  const started = performance.now();
  const emulator = await startEmulator({ port: 0, seed: 'bench', users: USERS, groups: GROUPS, stateDirectory });
  const startMs = performance.now() - started;
  try {
    const key = parseServiceAccountKey(await readFile(emulator.serviceAccountKeyPath, 'utf8'));
    const auth = delegatedJwtClient(key, { scopes: DIRECTORY_READONLY_SCOPES, subject: emulator.directory.admin.primaryEmail });
    const { token } = await auth.getAccessToken();
    const headers = { authorization: `Bearer ${token!}` };
    const base = `${emulator.origin}/admin/directory/v1`;

    /**
     * Pages through a list. Per page: the emulator's own time (its Server-Timing header: routing,
     * filtering, paging, projection, mask, serialisation) and the round trip seen by the client in
     * this same process (request sent to body read, not parsed).
     */
    const pageThrough = async (path: string, member: string) => {
      const times: number[] = [];
      const roundTrips: number[] = [];
      let pageToken: string | undefined;
      let items = 0;
      do {
        const url = `${base}${path}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`;
        const t = performance.now();
        const response = await fetch(url, { headers });
        const body = await response.text();
        roundTrips.push(performance.now() - t);
        times.push(Number(/dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '')?.[1]));
        if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 200)}`);
        const parsed = JSON.parse(body) as Record<string, unknown> & { nextPageToken?: string };
        items += (parsed[member] as unknown[] | undefined)?.length ?? 0;
        pageToken = parsed.nextPageToken;
      } while (pageToken);
      return { times, roundTrips, items };
    };

    const stats = (values: number[]) => {
      const sorted = values.slice(1).sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { first: values[0]!, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0 };
    };
    const ms = (n: number) => `${n.toFixed(1).padStart(6)} ms`;
    const row = (label: string, result: { times: number[]; roundTrips: number[]; items: number }, target?: number) => {
      const server = stats(result.times);
      const trip = stats(result.roundTrips);
      const verdict = target === undefined ? '' : server.p95 < target ? `  ✓ p95 under ${target} ms` : `  ✗ p95 over ${target} ms`;
      console.log(
        `${label.padEnd(44)} ${String(result.times.length).padStart(4)} pages ${String(result.items).padStart(7)} items` +
          `  served: first ${ms(server.first)} p50 ${ms(server.p50)} p95 ${ms(server.p95)} max ${ms(server.max)}${verdict}` +
          `  round trip: p50 ${ms(trip.p50)} p95 ${ms(trip.p95)}`,
      );
    };

    console.log(
      `seed + start: ${USERS} users, ${GROUPS} groups in ${(startMs / 1000).toFixed(1)} s; heap ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`,
    );
    row('users.list maxResults=500 (basic)', await pageThrough('/users?customer=my_customer&maxResults=500', 'users'), PAGE_TARGET_MS);
    row(
      'users.list maxResults=500 projection=full',
      await pageThrough('/users?customer=my_customer&maxResults=500&projection=full', 'users'),
      PAGE_TARGET_MS,
    );
    row(
      "users.list 500 + fields mask (sync's shape)",
      await pageThrough(
        '/users?customer=my_customer&maxResults=500&projection=full' +
          '&fields=nextPageToken,users(id,primaryEmail,name,suspended,archived,organizations,customSchemas,etag)',
        'users',
      ),
      PAGE_TARGET_MS,
    );
    row(
      'users.list query=orgDepartment:Engineering',
      await pageThrough('/users?customer=my_customer&maxResults=500&query=orgDepartment%3AEngineering', 'users'),
      PAGE_TARGET_MS,
    );
    row('groups.list maxResults=200', await pageThrough('/groups?customer=my_customer&maxResults=200', 'groups'));
    row(
      'members.list all-staff@ (every user) 200/page',
      await pageThrough('/groups/all-staff%40example.com/members?maxResults=200', 'members'),
    );
    console.log(
      `requests served: ${Object.entries(emulator.counters())
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
    console.log('("first" includes building the sorted, filtered list once per query; later pages are slices of it.)');
  } finally {
    await emulator.stop();
    await rm(stateDirectory, { recursive: true, force: true });
  }
}
