import { sessionTerminator } from '../shared/services/sync/sessions.js';
/**
 * `npm run bench -- sync [--large]`: directory sync against an emulated tenant of 20,000 users and
 * 4,000 groups (100,000 and 20,000 with --large), 50 ms latency per call and Google's default quota
 * of 2,400 calls per minute, into DynamoDB Local. Prints, against the issue's targets:
 *   fetch wall time vs the quota bound (minimum calls / quota rate)      target ≤ 1.15×
 *   API calls vs the minimum (retries listed apart)                       target = minimum + retries
 *   directory item writes, first run and unchanged second run            target 0 on the second
 *   peak memory of the sync (RSS of this process; the emulator runs in its own)   target < 1 GB
 * With --large the runs are dry runs (fetch and plan, no writes): applying 1.5 million items to
 * DynamoDB Local would take most of an hour and says nothing about the sync.
 */
import { fork } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadConfig } from '../shared/config/config.js';
import { createDynamoClient } from '../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../shared/adapters/dynamodb/create-table.js';
import { runSync, type SyncOutcome } from '../shared/services/sync/run.js';
import { createSyncEnvironment, syncOptions } from '../shared/services/sync/setup.js';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.js';
import { localDependencies } from '../local/local-dependencies.js';

interface EmulatorProcess {
  readonly origin: string;
  readonly keyPath: string;
  readonly admin: string;
  readonly minimumCalls: number;
}

const QUOTA_PER_MINUTE = 2_400;
const LATENCY_MS = 50;

export async function run(args: string[]): Promise<void> {
  const large = args.includes('--large');
  const users = large ? 100_000 : 20_000;
  const groups = large ? 20_000 : 4_000;
  let peakRss = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 100);
  const dynamo = await startDynamoDbLocal();
  const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-bench-'));
  const started = Date.now();
  const child = fork(
    join(import.meta.dirname, 'emulator-process.ts'),
    [
      JSON.stringify({
        seed: 'bench',
        users,
        groups,
        stateDirectory,
        limits: { latencyMs: LATENCY_MS, userQuotaPerMinute: QUOTA_PER_MINUTE },
      }),
    ],
    { execArgv: ['--import', 'tsx'] },
  );
  const emulator = await new Promise<EmulatorProcess>((ok, fail) =>
    child.once('message', (m) => ok(m as EmulatorProcess)).once('exit', () => fail(new Error('The emulator process ended.'))),
  );
  console.log(
    `tenant: ${users} users, ${groups} groups (emulator in its own process, started in ${Date.now() - started} ms); latency ${LATENCY_MS} ` +
      `ms; quota ${QUOTA_PER_MINUTE}/min${large ? '; dry runs' : ''}`,
  );
  try {
    const tableName = 'bench';
    await ensureTable(createDynamoClient({ endpoint: dynamo.endpoint }), tableName);
    const config = loadConfig({
      RUNTIME_MODE: 'local',
      TABLE_NAME: tableName,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      GOOGLE_API_ROOT: emulator.origin,
      GOOGLE_ADMIN_SUBJECT: emulator.admin,
      SYNC_QUOTA_PER_MINUTE: String(QUOTA_PER_MINUTE),
    });
    const deps = localDependencies(config, dirname(dirname(emulator.keyPath)));
    const minimum = emulator.minimumCalls;
    const boundMs = (minimum / QUOTA_PER_MINUTE) * 60_000;
    console.log(`minimum calls ${minimum}; quota bound ${(boundMs / 1000).toFixed(1)} s`);

    const measure = async (label: string) => {
      const env = await createSyncEnvironment(deps, { sessions: sessionTerminator(deps) });
      const marks: Record<string, number> = {};
      const t0 = Date.now();
      const outcome: SyncOutcome = await runSync(
        env,
        syncOptions(deps, {
          invocationId: `bench-${label}`,
          remainingMs: () => Number.POSITIVE_INFINITY,
          dryRun: large,
          onProgress: (message) => {
            const phase = message.split(':')[0]!;
            marks[phase] ??= Date.now() - t0;
          },
        }),
      );
      if (!('record' in outcome)) throw new Error(`run ${label}: ${outcome.status}`);
      const r = outcome.record;
      // Dry runs report 'dry run: fetching' and plan without a message: their fetch ends with the run.
      const fetchMs = (marks.planning ?? r.durationMs) - (marks.fetching ?? marks['dry run'] ?? 0);
      const ratio = fetchMs / boundMs;
      console.log(
        `\n${label} run: ${r.status}, total ${(r.durationMs / 1000).toFixed(1)} s (fetch ${(fetchMs / 1000).toFixed(1)} s, plan+apply ` +
          `${((r.durationMs - fetchMs) / 1000).toFixed(1)} s)`,
      );
      console.log(`  fetch time vs quota bound  ${ratio.toFixed(3)}×   target ≤ 1.15×   ${ratio <= 1.15 ? 'met' : 'MISSED'}`);
      const callsOk = r.apiCalls === minimum + r.retries;
      console.log(
        `  API calls                  ${r.apiCalls} = minimum ${minimum} + retries ${r.retries}   target minimum + retries   ${callsOk ? 'met' : 'MISSED'}`,
      );
      console.log(
        `  directory item writes      ${r.itemWrites}${label === 'unchanged' ? `   target 0   ${r.itemWrites === 0 ? 'met' : 'MISSED'}` : ''}`,
      );
      console.log(`  counts                     ${JSON.stringify(r.counts)}`);
      return r;
    };
    await measure('first');
    if (!large) await measure('unchanged'); // a dry run writes nothing: a second one would measure the same
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    console.log(
      `\npeak memory of the sync (RSS)  ${(peakRss / 2 ** 20).toFixed(0)} MB   target < 1024 MB   ${peakRss < 2 ** 30 ? 'met' : 'MISSED'}   ` +
        `(peak V8 heap ${(peakHeap / 2 ** 20).toFixed(0)} MB, garbage included)`,
    );
    console.log(
      'bookkeeping writes per run (not directory items): lease put + delete, run record, and a checkpoint + staged chunk ' +
        'every SYNC_CHECKPOINT_SECONDS of fetching',
    );
  } finally {
    clearInterval(sampler);
    child.disconnect();
    await dynamo.stop();
  }
}
