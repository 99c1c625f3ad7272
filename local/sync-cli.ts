/**
 * `npm run sync`: one directory sync run, for operators and local use.
 *   npm run sync                 sync now (beside a running `npm start`, or RUNTIME_MODE=aws with AWS credentials)
 *   npm run sync -- --dry-run    fetch and show the diff, write nothing
 *   npm run sync -- --force      pass the mass-deletion guard
 *   npm run sync -- --check      preflight: key, each delegated scope (push's Reports scope too), the admin subject
 *   npm run sync -- --push-status   push-driven sync: channels, last notifications, changes applied, lag
 *   npm run sync -- --stop-channels stops every open Google notification channel (after turning push off)
 * Progress goes to stderr; stdout gets one JSON line (the summary). Exit code 0 only when the run
 * succeeded (or the dry run / check found nothing wrong).
 */
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { loadConfig, loadSyncConfig } from '../shared/config/config.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { pushStatus } from '../shared/services/push/health.js';
import { stopAllChannels } from '../shared/services/push/manager.js';
import { createWatchClient } from '../shared/services/push/setup.js';
import { provideDependencies } from '../shared/runtime/dependencies.js';
import { AwsSecretStore } from '../shared/adapters/secrets/aws-secret-store.js';
import { startSync } from '../shared/services/sync/invocation.js';
import { preflightReport } from '../shared/adapters/google/preflight.js';
import { failureSummary, runSummary } from '../shared/services/sync/report.js';
import { sessionTerminator } from '../shared/services/sync/sessions.js';
import type { SyncDependencies } from '../shared/services/sync/dependencies.js';
import { LOCAL_STATE_DIR, localDependencies, useLocalEmulatorPort } from './local-dependencies.js';

const OPTIONS = ['--dry-run', '--force', '--check', '--push-status', '--stop-channels'];
const USAGE = `Usage: npm run sync [-- ${OPTIONS.join(' | ')}]`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv);
  const unknown = argv.filter((a) => !OPTIONS.includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown option ${unknown.join(' ')}. ${USAGE}\n`);
    return 2;
  }
  const deps = cliDependencies();
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  if (flags.has('--check')) {
    const report = await preflightReport(deps);
    for (const c of report.checks) stderr(`${c.ok ? 'ok  ' : c.optional ? 'WARN' : 'FAIL'}  ${c.name}: ${c.detail}`);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.status === 'ok' ? 0 : 1;
  }
  if (flags.has('--push-status')) {
    // AWS mode reads only the sync keys, not PUSH_ENABLED: there the channel records decide (push off opens none).
    const enabled = process.env.RUNTIME_MODE === 'aws' || loadConfig().push.enabled;
    const health = await pushStatus(deps.db, deps.config.tableName, enabled, Date.now());
    if (!health.enabled) stderr('push is off (PUSH_ENABLED=false)');
    for (const f of health.feeds)
      stderr(
        `${f.live ? 'live' : 'DOWN'}  ${f.feed}: ${f.live ? `channel ${f.channelId} until ${f.expiresAt}` : 'no live channel'}; ` +
          `last notification ${f.lastMessageAt ?? 'never'}`,
      );
    stderr(
      `applied: ${health.appliedLastHour} in the last hour, ${health.appliedLastDay} in the last day; lag p50 ` +
        `${health.lagP50Ms ?? '-'} ms, p95 ${health.lagP95Ms ?? '-'} ms`,
    );
    stderr(`full sync: ${health.fullSync.schedule} (${health.fullSync.reason})`);
    const gap = health.fullSync.lastReconciliation;
    if (gap)
      stderr(
        `last reconciliation ${gap.startedAt}: repaired ${gap.created} created, ${gap.updated} updated, ` +
          `${gap.deleted} deleted; memberships +${gap.memberships.added} −${gap.memberships.removed}`,
      );
    process.stdout.write(`${JSON.stringify(health)}\n`);
    return health.healthy ? 0 : 1;
  }
  if (flags.has('--stop-channels')) {
    // Google keeps posting to an open channel until it expires; with push turned off nothing renews
    // them, and this ends them now instead of within their TTL.
    const stopped = await stopAllChannels({
      db: deps.db,
      tableName: deps.config.tableName,
      watch: await createWatchClient(deps),
      now: Date.now,
    });
    stderr(`stopped ${stopped.length} channels`);
    process.stdout.write(`${JSON.stringify({ stopped })}\n`);
    return 0;
  }
  // Here there is no 15-minute limit: one invocation runs the whole sync.
  const outcome = await startSync(
    deps,
    { sessions: sessionTerminator(deps) },
    {
      invocationId: `cli-${randomUUID()}`,
      remainingMs: () => Number.POSITIVE_INFINITY,
      force: flags.has('--force'),
      dryRun: flags.has('--dry-run'),
      onProgress: (message) => stderr(`sync: ${message}`),
    },
    { untilDone: true },
  );
  if (outcome.status === 'dry-run' && 'diff' in outcome && outcome.diff) {
    const { diff } = outcome;
    const show = (label: string, items: readonly string[]) =>
      stderr(`${label} (${items.length}): ${items.slice(0, 50).join(', ')}${items.length > 50 ? ', …' : ''}`);
    show('would create', diff.created);
    show('would update', diff.updated);
    show('would delete', diff.deleted);
    stderr(`would change the membership of ${diff.membershipChanges} groups`);
    stderr(diff.guard.ok ? 'the mass-deletion guard would pass' : `the mass-deletion guard would refuse: ${diff.guard.reason}`);
  }
  process.stdout.write(`${JSON.stringify(runSummary(outcome))}\n`);
  return outcome.status === 'succeeded' || outcome.status === 'dry-run' ? 0 : 1;
}

/**
 * Beside `npm start`: DynamoDB Local on DYNAMODB_LOCAL_PORT, the emulator on GOOGLE_EMULATOR_PORT, its key under .local/. In AWS
 * mode, the deployed adapters with the sync keys only (TABLE_NAME, GOOGLE_ADMIN_SUBJECT, …): an
 * operator's shell has no APP_ORIGIN or sign-in keys, and sync reads none.
 */
function cliDependencies(): SyncDependencies {
  process.env.RUNTIME_MODE ??= 'local';
  if (process.env.RUNTIME_MODE === 'aws') {
    const config = loadSyncConfig();
    return { config, db: createDocumentClient({ endpoint: config.dynamodbEndpoint }), secrets: new AwsSecretStore() };
  }
  process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${process.env.DYNAMODB_LOCAL_PORT ?? 8000}`;
  useLocalEmulatorPort();
  const config = loadConfig();
  const deps = localDependencies(config, process.env.SYNC_LOCAL_STATE_DIR ?? join(resolve(import.meta.dirname, '..'), LOCAL_STATE_DIR));
  provideDependencies(deps);
  return deps;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.stdout.write(`${JSON.stringify(failureSummary('setup', message))}\n`);
    process.exit(1);
  },
);
