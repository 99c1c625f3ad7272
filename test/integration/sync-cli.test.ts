import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../../local/emulator/emulator.js';
import { systemClock } from '../../shared/adapters/clock/clock.js';
import { SYNC_SCOPE_URLS } from '../../shared/adapters/google/scopes.js';
import { listRunRecords, SyncStateStore } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { minimumCalls, startSyncHarness, type SyncHarness } from '../support/sync.js';

const root = resolve(import.meta.dirname, '../..');
const GROUP_MEMBER_SCOPE = 'https://www.googleapis.com/auth/admin.directory.group.member.readonly';

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run sync` as an operator runs it (tsx local/sync-cli.ts), against the test's emulator and table. */
function cli(h: SyncHarness, args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/sync-cli.ts', ...args], {
    cwd: root,
    env: {
      ...process.env,
      RUNTIME_MODE: 'local',
      TABLE_NAME: h.table.tableName,
      DYNAMODB_ENDPOINT: h.table.endpoint,
      GOOGLE_API_ROOT: h.emulator.origin,
      GOOGLE_ADMIN_SUBJECT: h.emulator.directory.admin.primaryEmail,
      SYNC_LOCAL_STATE_DIR: dirname(dirname(h.emulator.serviceAccountKeyPath)),
      SYNC_QUOTA_PER_MINUTE: '600000',
      LOG_LEVEL: 'ERROR',
      ...env,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const done = new Promise<CliRun>((ok) => child.on('close', (code) => ok({ code, stdout, stderr })));
  return { child, done };
}

const summaryOf = (run: CliRun) => JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;

/** What every summary of a finished run carries, zeros included when nothing ran. */
const NOTHING_RAN = { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, apiCalls: 0, retries: 0, durationMs: 0 };

describe('npm run sync', () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await startSyncHarness({ users: 60, groups: 25 });
  });
  afterEach(() => h.close());

  it('shows the diff on --dry-run and writes nothing, then syncs and prints the summary', async () => {
    const dry = await cli(h, ['--dry-run']).done;
    expect(dry.code).toBe(0);
    const live = h.emulator.directory.users.filter((u) => !u.deletionTime).length;
    expect(summaryOf(dry)).toMatchObject({ status: 'dry-run', created: live + 25, deleted: 0 });
    expect(dry.stderr).toMatch(/would create \(85\): /);
    expect(await h.directoryItems()).toEqual(new Map());
    expect(await new SyncStateStore(h.table.db, h.table.tableName).getCheckpoint()).toBeUndefined();

    const run = await cli(h, []).done;
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    const summary = summaryOf(run);
    expect(summary).toMatchObject({
      status: 'succeeded',
      fetched: live + 25,
      created: live + 25,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      apiCalls: minimumCalls(h.emulator),
      retries: 0,
    });
    expect(summary.durationMs).toEqual(expect.any(Number));
    expect(run.stderr).toMatch(/sync: applying/);
  }, 60_000);

  it('keeps working when `npm run emulator` starts beside it, and finds its emulator by GOOGLE_EMULATOR_PORT', async () => {
    const keyBefore = await readFile(h.emulator.serviceAccountKeyPath, 'utf8');
    const stateDirectory = dirname(dirname(h.emulator.serviceAccountKeyPath));
    const beside = await startEmulator({ port: 0, seed: 'other', users: 5, groups: 1, stateDirectory });
    try {
      expect(await readFile(h.emulator.serviceAccountKeyPath, 'utf8')).toBe(keyBefore);
      expect(beside.serviceAccountKey.client_id).toBe(h.emulator.serviceAccountKey.client_id);
      const run = await cli(h, [], { GOOGLE_API_ROOT: '', GOOGLE_EMULATOR_PORT: String(h.emulator.port) }).done;
      expect(summaryOf(run)).toMatchObject({
        status: 'succeeded',
        fetched: h.emulator.directory.users.filter((u) => !u.deletionTime).length + 25,
      });
      expect(beside.counters()['oauth2.token']).toBeUndefined();
    } finally {
      await beside.stop();
    }
  }, 60_000);

  it('exits non-zero when the guard refuses, and --force applies the run', async () => {
    expect((await cli(h, []).done).code).toBe(0);
    const victims = h.emulator.directory.users.filter((u) => !u.deletionTime && !u.isAdmin).slice(0, 10);
    for (const u of victims) h.emulator.directory.deleteUser(u.id);
    const refused = await cli(h, []).done;
    expect(refused.code).toBe(1);
    expect(summaryOf(refused)).toMatchObject({ status: 'refused', deleted: 10, errors: [{ code: 'mass-deletion-guard' }] });
    expect(refused.stderr).toMatch(/--force/);
    const forced = await cli(h, ['--force']).done;
    expect(forced.code).toBe(0);
    expect(summaryOf(forced)).toMatchObject({ status: 'succeeded', deleted: 10, forced: true });
  }, 60_000);

  it('--check passes when the key, every scope and the admin are right', async () => {
    const run = await cli(h, ['--check']).done;
    expect(run.code).toBe(0);
    expect(summaryOf(run)).toMatchObject({ status: 'ok' });
    for (const scope of SYNC_SCOPE_URLS) expect(run.stderr).toContain(`ok    scope ${scope}`);
  }, 30_000);

  it('names a scope missing from domain-wide delegation, in --check and in a failed run', async () => {
    h.emulator.setDelegatedScopes(SYNC_SCOPE_URLS.filter((s) => s !== GROUP_MEMBER_SCOPE));
    const check = await cli(h, ['--check']).done;
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(
      `FAIL  scope ${GROUP_MEMBER_SCOPE}: NOT delegated: add ${GROUP_MEMBER_SCOPE} for client id ${h.emulator.serviceAccountKey.client_id}`,
    );
    expect(check.stderr.match(/FAIL/g)).toHaveLength(1);
    // Push's extra scope is named as a warning: without it only push-driven sync stays off.
    expect(check.stderr).toContain('WARN  scope https://www.googleapis.com/auth/admin.reports.audit.readonly: NOT delegated');

    const run = await cli(h, []).done;
    expect(run.code).toBe(1);
    const summary = summaryOf(run) as { status: string; errors: Array<{ code: string; message: string }> };
    expect(summary.status).toBe('failed');
    expect(summary.errors[0]!.code).toBe('scope-not-delegated');
    expect(summary.errors[0]!.message).toContain(GROUP_MEMBER_SCOPE);
    expect(summary.errors[0]!.message).toContain('https://admin.google.com/ac/owl/domainwidedelegation');
    expect(await h.directoryItems()).toEqual(new Map());
  }, 60_000);

  it('--check walks the keyless chain and names the first step that fails', async () => {
    const keyless = { GOOGLE_CREDENTIALS: 'workload-identity' };
    const ok = await cli(h, ['--check'], keyless).done;
    expect(ok.code).toBe(0);
    expect(ok.stderr).toMatch(/^ok {4}aws credentials: .*\nok {4}workload identity federation: .*\nok {4}signJwt: /m);
    h.emulator.workloadIdentity.configure({ tokenCreatorRoles: [] });
    const refused = await cli(h, ['--check'], keyless).done;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('FAIL  signJwt: IAM Credentials refused to sign the delegation assertion');
    expect(refused.stderr.match(/FAIL/g)).toHaveLength(1);
    expect(refused.stderr).not.toContain('scope https://');
  });

  it('--check says when the admin subject cannot be impersonated', async () => {
    const notAdmin = h.emulator.directory.users.find((u) => !u.isAdmin && !u.suspended && !u.deletionTime)!;
    const run = await cli(h, ['--check'], { GOOGLE_ADMIN_SUBJECT: notAdmin.primaryEmail }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Google refused to impersonate ${notAdmin.primaryEmail}`);
    expect(run.stderr).toContain('GOOGLE_ADMIN_SUBJECT must be the primary email of an existing, active admin');
  }, 30_000);

  it('prints the full summary when the run is skipped, or cannot start for want of a key', async () => {
    const store = new SyncStateStore(h.table.db, h.table.tableName);
    expect(await store.acquireLease('someone-else', Date.now(), 60_000)).toBe(true);
    const skipped = await cli(h, []).done;
    expect(skipped.code).toBe(1);
    expect(summaryOf(skipped)).toMatchObject({ status: 'skipped', ...NOTHING_RAN, reason: expect.stringMatching(/lease/) });
    await store.releaseLease('someone-else');

    const noKey = await cli(h, [], { SYNC_LOCAL_STATE_DIR: await mkdtemp(join(tmpdir(), 'wb-no-key-')) }).done;
    expect(noKey.code).toBe(1);
    const summary = summaryOf(noKey);
    expect(summary).toMatchObject({
      status: 'failed',
      ...NOTHING_RAN,
      errors: [{ code: 'setup', message: expect.stringContaining('service-account key') }],
    });
    expect(await listRunRecords(h.table.db, h.table.tableName)).toEqual([
      expect.objectContaining({ status: 'failed', runId: summary.runId }),
    ]);
  }, 30_000);

  it('in AWS mode needs only the keys sync reads: it gets past configuration to the AWS calls', async () => {
    // No APP_ORIGIN, GOOGLE_CLIENT_ID or ALLOWED_DOMAINS, and no AWS credentials: the secret cannot be read.
    const run = await cli(h, [], {
      RUNTIME_MODE: 'aws',
      GOOGLE_API_ROOT: '',
      AWS_REGION: 'eu-west-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    }).done;
    expect(run.code).toBe(1);
    expect(run.stderr).not.toMatch(/Configuration key/);
    const summary = summaryOf(run);
    expect(summary).toMatchObject({
      status: 'failed',
      ...NOTHING_RAN,
      errors: [{ code: 'setup', message: expect.stringMatching(/credentials/i) }],
    });
    // The failure is on record in the table (DYNAMODB_ENDPOINT points at the test's).
    expect(await listRunRecords(h.table.db, h.table.tableName)).toEqual([
      expect.objectContaining({ status: 'failed', runId: summary.runId }),
    ]);
  }, 30_000);

  it('resumes a run killed midway from its checkpoint and ends consistent', async () => {
    // ~5 calls a second and a checkpoint every second: the kill lands mid-fetch.
    const { child, done } = cli(h, [], { SYNC_QUOTA_PER_MINUTE: '300', SYNC_CHECKPOINT_SECONDS: '1' });
    const store = new SyncStateStore(h.table.db, h.table.tableName);
    let checkpoint = await store.getCheckpoint();
    while (!checkpoint || checkpoint.chunks.length < 2) {
      await new Promise((r) => setTimeout(r, 100));
      checkpoint = await store.getCheckpoint();
    }
    child.kill('SIGKILL');
    await done;
    expect(checkpoint.phase).toBe('fetching');
    expect(await h.directoryItems()).toEqual(new Map());

    // The next run comes after the killed run's lease expired (its clock is 3 minutes ahead).
    const resumed = await h.sync({}, { clock: { now: () => Date.now() + 180_000, sleep: systemClock.sleep } });
    if (!('record' in resumed)) throw new Error(resumed.status);
    expect(resumed.record).toMatchObject({ status: 'succeeded', runId: checkpoint.runId, invocations: 2 });
    const minimum = minimumCalls(h.emulator);
    const thisInvocation = resumed.record.apiCalls - checkpoint.stats.apiCalls;
    expect(thisInvocation).toBeLessThan(minimum);
    const live = h.emulator.directory.users.filter((u) => !u.deletionTime);
    const items = await h.directoryItems();
    expect([...items.keys()].filter((k) => k.endsWith(' PROFILE'))).toHaveLength(live.length);
    expect([...items.keys()].filter((k) => k.endsWith(' GROUP') && k.startsWith('GROUP#'))).toHaveLength(25);

    // And it is the same directory a clean run produces: a second run finds nothing to write.
    const again = await h.sync();
    expect(again).toMatchObject({ status: 'succeeded', record: { itemWrites: 0 } });
  }, 60_000);
});
