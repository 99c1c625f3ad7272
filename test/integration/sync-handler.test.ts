import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { handler } from '../../functions/sync.js';
import { logger } from '../../shared/logging/logger.js';
import { provideDependencies } from '../../shared/runtime/dependencies.js';
import { AwsSecretStore } from '../../shared/adapters/secrets/aws-secret-store.js';
import { SYNC_SCOPE_URLS } from '../../shared/adapters/google/scopes.js';
import { listRunRecords } from '../../shared/adapters/dynamodb/sync-state-store.js';
import { saveChannel, WATCHED_FEEDS } from '../../shared/adapters/dynamodb/push-channels.js';
import { LAMBDA_CONTEXT, withOutput } from '../support/lambda.js';
import { startSyncHarness, type SyncHarness } from '../support/sync.js';

/** The handler with its log lines (where the metric lines go). */
const invoke = (event: Parameters<typeof handler>[0]) => withOutput(() => handler(event, LAMBDA_CONTEXT));

describe('the sync Lambda handler', () => {
  let h: SyncHarness;
  beforeEach(async () => {
    h = await startSyncHarness({ users: 60, groups: 25 });
    provideDependencies(h.deps);
  });
  afterEach(() => h.close());

  it("records a run that cannot start because the key secret still holds the deploy's placeholder, and emits its metric", async () => {
    // The alarms read only the metric line: an operator's quieter log level must not silence it.
    logger.setLogLevel('WARN');
    onTestFinished(() => logger.setLogLevel('INFO'));
    const secretsManager = mockClient(SecretsManagerClient);
    // What the stack creates the secret with, before the admin puts the key in (docs/deploy.md, step 7).
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: ' ' });
    provideDependencies({ ...h.deps, secrets: new AwsSecretStore() });
    try {
      const { result, lines } = await invoke({});
      expect(result).toMatchObject({
        status: 'failed',
        fetched: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        apiCalls: 0,
        retries: 0,
        durationMs: 0,
        errors: [
          {
            code: 'setup',
            message: expect.stringMatching(/service-account key in the secret google-service-account is empty .*docs\/deploy.md, step 7/),
          },
        ],
      });
      const [record] = await listRunRecords(h.table.db, h.table.tableName);
      expect(record).toMatchObject({ status: 'failed', runId: result.runId, errors: result.errors });
      expect(lines.find((l) => l._aws)).toMatchObject({
        _aws: { CloudWatchMetrics: [{ Namespace: 'WorkspaceBridge/Sync', Dimensions: [['status']] }] },
        status: 'failed',
        ApiCalls: 0,
      });
    } finally {
      secretsManager.restore();
    }
  });

  it('answers { preflight: true } with the preflight, and runs no sync', async () => {
    expect((await invoke({ preflight: true })).result).toMatchObject({
      status: 'ok',
      checks: expect.arrayContaining([expect.objectContaining({ name: 'service-account key', ok: true })]),
    });

    const groupMembers = 'https://www.googleapis.com/auth/admin.directory.group.member.readonly';
    h.emulator.setDelegatedScopes(SYNC_SCOPE_URLS.filter((s) => s !== groupMembers));
    const { result } = await invoke({ preflight: true });
    expect(result).toMatchObject({ status: 'failed' });
    // The Reports scope (push only) is missing too: named, but it does not fail the preflight.
    const failing = (result.checks as Array<{ name: string; ok: boolean; detail: string; optional?: boolean }>).filter(
      (c) => !c.ok && !c.optional,
    );
    expect(failing).toEqual([
      { name: `scope ${groupMembers}`, ok: false, detail: expect.stringContaining(`NOT delegated: add ${groupMembers}`) },
    ]);

    expect(await listRunRecords(h.table.db, h.table.tableName)).toEqual([]);
    expect(await h.directoryItems()).toEqual(new Map());
  });

  it('skips a scheduled run while push is healthy and the daily reconciliation is not due; runs it when a feed has no live channel', async () => {
    expect((await invoke({ trigger: 'schedule' })).result).toMatchObject({ status: 'succeeded' });
    const now = Date.now();
    for (const feed of WATCHED_FEEDS) {
      await saveChannel(h.deps.db, h.deps.config.tableName, {
        id: `${feed}-test`,
        feed,
        resourceId: 'r',
        tokenHash: '00',
        expiresAt: now + 3_600_000,
        openedAt: now,
        status: 'active',
      });
    }
    const skipped = (await invoke({ trigger: 'schedule' })).result;
    expect(skipped).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/healthy/) });
    expect(await listRunRecords(h.table.db, h.table.tableName)).toHaveLength(1);
    // An admin's run and a forced run are never skipped.
    expect((await invoke({})).result).toMatchObject({ status: 'succeeded' });
    await saveChannel(h.deps.db, h.deps.config.tableName, {
      id: 'users-test',
      feed: 'users',
      resourceId: 'r',
      tokenHash: '00',
      expiresAt: now - 1,
      openedAt: now - 7_200_000,
      status: 'active',
    });
    expect((await invoke({ trigger: 'schedule' })).result).toMatchObject({ status: 'succeeded' });
  });
});
