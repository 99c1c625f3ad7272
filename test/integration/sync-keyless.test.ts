import { access } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { LOCAL_DEFAULTS, loadSyncConfig } from '../../shared/config/config.js';
import { DelegatedTokenError } from '../../shared/adapters/google/delegated-token.js';
import { syncTokenSource } from '../../shared/adapters/google/credentials.js';
import { startSync } from '../../shared/services/sync/invocation.js';
import { preflightReport } from '../../shared/adapters/google/preflight.js';
import { sessionTerminator } from '../../shared/services/sync/sessions.js';
import { SYNC_SCOPE_URLS } from '../../shared/adapters/google/scopes.js';
import { LOCAL_AWS_IDENTITIES, awsRoleOf, type LocalAwsIdentity } from '../../local/emulator/sts/local-aws.js';
import { EMULATOR_JWT_PREFIX } from '../../local/emulator/oauth/tokens.js';
import { startTestEmulator } from '../support/emulator.js';
import { startSyncHarness, type SyncHarness } from '../support/sync.js';

/** Keyless mode end to end through real HTTP: AwsClient → emulator STS → signJwt → JWT-bearer grant → Directory API. */
describe('directory sync with Workload Identity Federation (no key)', () => {
  let h: SyncHarness;
  const syncRole = awsRoleOf(LOCAL_AWS_IDENTITIES.syncRole.arn);
  const signingAs = (identity: LocalAwsIdentity) => async () => ({
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    token: identity.sessionToken,
  });

  beforeAll(async () => {
    // A small tenant: the credential chain is under test here, not paging (sync.test.ts covers that).
    h = await startSyncHarness({ users: 40, groups: 8, writeServiceAccountKey: false, env: { GOOGLE_CREDENTIALS: 'workload-identity' } });
  });
  afterAll(() => h?.close());

  it('writes no key file and syncs the directory as the sync role', async () => {
    await expect(access(h.emulator.serviceAccountKeyPath)).rejects.toThrow();
    const outcome = await h.sync();
    expect(outcome.status).toBe('succeeded');
    expect(h.emulator.counters()).toMatchObject({
      'sts.token': 1,
      'iamcredentials.projects.serviceAccounts.signJwt': 1,
      'oauth2.token': 1,
    });
    // The assertion signJwt signed: the service account impersonating the admin with exactly the read-only scopes, for an hour at most.
    const assertions = h.emulator
      .issuedTokens()
      .filter((t) => t.startsWith(EMULATOR_JWT_PREFIX))
      .map((t) => decodeJwt(t))
      .filter((c) => c.iss === LOCAL_DEFAULTS.googleServiceAccount);
    expect(assertions).toHaveLength(1);
    expect(assertions[0]).toMatchObject({
      sub: h.emulator.directory.admin.primaryEmail,
      scope: SYNC_SCOPE_URLS.join(' '),
      aud: 'https://oauth2.googleapis.com/token',
    });
    expect(assertions[0]!.exp! - assertions[0]!.iat!).toBeLessThanOrEqual(3600);
    const live = h.emulator.directory.users.filter((u) => !u.deletionTime).length + h.emulator.directory.groups.length;
    expect(outcome.status === 'succeeded' && outcome.record.counts).toMatchObject({ fetched: live, created: live });
  });

  it('passes the preflight, naming each step of the chain', async () => {
    const report = await preflightReport(h.deps);
    expect(report.status).toBe('ok');
    expect(report.checks.slice(0, 3).map((c) => c.name)).toEqual(['aws credentials', 'workload identity federation', 'signJwt']);
  });

  it('refuses a role the provider does not admit, at the STS step', async () => {
    const deps = { ...h.deps, awsCredentials: signingAs(LOCAL_AWS_IDENTITIES.apiRole) };
    const report = await preflightReport(deps);
    const failed = report.checks.find((c) => !c.ok);
    expect(failed?.name).toBe('workload identity federation');
    expect(failed?.detail).toContain('rejected by the attribute condition');
    expect(failed?.detail).toContain('attribute.aws_role');
    const refused = await startSync(
      deps,
      { sessions: sessionTerminator(deps) },
      { invocationId: 'wrong-role', remainingMs: () => Number.POSITIVE_INFINITY },
    );
    const errors = refused.status === 'failed' ? refused.record.errors : [];
    expect(errors.map((e) => e.code)).toEqual(['google-credentials']);
    expect(errors[0]!.message).toContain('STS refused');
  });

  it('refuses credentials it does not know and a signature it cannot verify', async () => {
    const stranger = { ...LOCAL_AWS_IDENTITIES.syncRole, accessKeyId: 'ASIAUNKNOWNKEY000001' };
    const forged = { ...LOCAL_AWS_IDENTITIES.syncRole, secretAccessKey: 'not-the-secret' };
    for (const identity of [stranger, forged]) {
      const error = await syncTokenSource({ ...h.deps, awsCredentials: signingAs(identity) })
        .then((s) => s.token(SYNC_SCOPE_URLS))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DelegatedTokenError);
      expect((error as DelegatedTokenError).step).toBe('sts');
      expect((error as DelegatedTokenError).reason).toBe('invalid_grant');
    }
  });

  it('refuses a signature older than 15 minutes', async () => {
    // The emulator's clock 16 minutes ahead: the request the sync signs now is 16 minutes old to it.
    const late = await startTestEmulator({ users: 5, groups: 1, writeServiceAccountKey: false, now: () => Date.now() + 16 * 60_000 });
    try {
      const config = loadSyncConfig({ RUNTIME_MODE: 'local', GOOGLE_CREDENTIALS: 'workload-identity', GOOGLE_API_ROOT: late.origin });
      const error = await syncTokenSource({ ...h.deps, config })
        .then((s) => s.token(SYNC_SCOPE_URLS))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DelegatedTokenError);
      expect(error).toMatchObject({ step: 'sts', reason: 'invalid_grant' });
      expect((error as Error).message).toContain('Signature expired');
      expect(late.counters()['iamcredentials.projects.serviceAccounts.signJwt']).toBeUndefined();
    } finally {
      await late.stop();
    }
  });

  it('refuses a signJwt without the token-creator binding, then signs again once granted', async () => {
    h.emulator.workloadIdentity.configure({ tokenCreatorRoles: [] });
    try {
      const report = await preflightReport(h.deps);
      const failed = report.checks.find((c) => !c.ok);
      expect(failed?.name).toBe('signJwt');
      expect(failed?.detail).toContain('roles/iam.serviceAccountTokenCreator');
    } finally {
      h.emulator.workloadIdentity.configure({ tokenCreatorRoles: [syncRole] });
    }
    expect((await preflightReport(h.deps)).status).toBe('ok');
  });

  it('names a disabled IAM Credentials API and a wrong provider with their fixes', async () => {
    h.emulator.workloadIdentity.configure({ iamCredentialsEnabled: false });
    try {
      const failed = (await preflightReport(h.deps)).checks.find((c) => !c.ok);
      expect(failed?.name).toBe('signJwt');
      expect(failed?.detail).toContain('gcloud services enable iamcredentials.googleapis.com');
    } finally {
      h.emulator.workloadIdentity.configure({ iamCredentialsEnabled: true });
    }
    const wrongProvider = {
      ...h.deps.config,
      googleCredentials: {
        ...(h.deps.config.googleCredentials as Extract<typeof h.deps.config.googleCredentials, { mode: 'workload-identity' }>),
        provider: 'projects/123456789012/locations/global/workloadIdentityPools/other-pool/providers/aws-sync',
      },
    };
    const failed = (await preflightReport({ ...h.deps, config: wrongProvider })).checks.find((c) => !c.ok);
    expect(failed?.name).toBe('workload identity federation');
    expect(failed?.detail).toContain('invalid_target');
    expect(failed?.detail).toContain('GOOGLE_WORKLOAD_IDENTITY_PROVIDER');
  });

  it("names a scope missing from domain-wide delegation for the service account's client id", async () => {
    h.emulator.setDelegatedScopes(SYNC_SCOPE_URLS.slice(1));
    try {
      const report = await preflightReport(h.deps);
      // Required checks only: push's Reports scope is optional (without it only push stays off).
      const failed = report.checks.filter((c) => !c.ok && !c.optional);
      expect(failed.map((c) => c.name)).toEqual([`scope ${SYNC_SCOPE_URLS[0]}`]);
      const credentials = h.deps.config.googleCredentials;
      const serviceAccount = credentials.mode === 'workload-identity' ? credentials.serviceAccount : '';
      expect(failed[0]!.detail).toContain(`NOT delegated: add ${SYNC_SCOPE_URLS[0]} for the client id of ${serviceAccount}`);
    } finally {
      h.emulator.setDelegatedScopes(SYNC_SCOPE_URLS);
    }
  });
});
