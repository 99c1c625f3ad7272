import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS } from '../../functions/catalog.js';
import { ConfigError, loadConfig } from '../../shared/config/config.js';

const AWS_ENV = {
  RUNTIME_MODE: 'aws',
  APP_ORIGIN: 'https://intranet.example.com',
  GOOGLE_CLIENT_ID: 'abc.apps.googleusercontent.com',
  ALLOWED_DOMAINS: 'Example.com, example.org',
  GOOGLE_ADMIN_SUBJECT: 'admin@example.com',
  TABLE_NAME: 'wb',
};

describe('configuration', () => {
  it('defaults every key to the emulator and DynamoDB Local in local mode', () => {
    const config = loadConfig({ RUNTIME_MODE: 'local' });
    expect(config).toMatchObject({
      mode: 'local',
      port: 3000,
      appOrigin: 'http://localhost:3000',
      oidcIssuer: 'http://localhost:4000',
      googleApiRoot: 'http://localhost:4000/',
      allowedDomains: ['example.com', 'example.org'],
    });
  });

  it("defaults to Google's issuer and API root in AWS and normalises domains", () => {
    const config = loadConfig(AWS_ENV);
    expect(config.oidcIssuer).toBe('https://accounts.google.com');
    expect(config.googleApiRoot).toBe('https://www.googleapis.com/');
    expect(config.allowedDomains).toEqual(['example.com', 'example.org']);
    expect(config.googleClientSecret).toBeUndefined();
  });

  it('detects AWS mode inside Lambda', () => {
    expect(() => loadConfig({ AWS_LAMBDA_FUNCTION_NAME: 'api' })).toThrow(ConfigError);
  });

  it.each(['GOOGLE_CLIENT_ID', 'ALLOWED_DOMAINS', 'GOOGLE_ADMIN_SUBJECT', 'APP_ORIGIN', 'TABLE_NAME'])(
    'names a missing %s in one line in AWS mode',
    (key) => {
      const env = { ...AWS_ENV, [key]: undefined };
      expect(() => loadConfig(env)).toThrow(new RegExp(`^Configuration key ${key} is missing: expected .+\\.$`));
    },
  );

  it.each([
    ['PORT', '70000', /PORT is invalid \("70000"\): expected an integer from 1 to 65535/],
    ['ALLOWED_DOMAINS', 'not a domain', /ALLOWED_DOMAINS is invalid/],
    ['OIDC_ISSUER', 'ftp://x', /OIDC_ISSUER is invalid .* http\(s\) URL/],
    ['APP_ORIGIN', 'https://x.example.com/path', /APP_ORIGIN is invalid/],
    ['SYNC_SCHEDULE', 'every hour', /SYNC_SCHEDULE is invalid .*rate\(/],
    ['GOOGLE_ADMIN_SUBJECT', 'admin', /GOOGLE_ADMIN_SUBJECT is invalid/],
    ['LOG_LEVEL', 'LOUD', /LOG_LEVEL is invalid .*one of DEBUG/],
    ['RUNTIME_MODE', 'cloud', /RUNTIME_MODE is invalid/],
    ['SYNC_MAX_DELETE_SHARE', '15%', /SYNC_MAX_DELETE_SHARE is invalid .*share from 0 to 1/],
    ['SYNC_QUOTA_PER_MINUTE', '0', /SYNC_QUOTA_PER_MINUTE is invalid .*integer from 10/],
  ])('rejects an invalid %s', (key, value, message) => {
    expect(() => loadConfig({ ...AWS_ENV, [key]: value })).toThrow(message);
  });

  it('accepts cron and rate schedules', () => {
    expect(loadConfig({ ...AWS_ENV, SYNC_SCHEDULE: 'cron(0 */2 * * ? *)' }).syncSchedule).toBe('cron(0 */2 * * ? *)');
    expect(loadConfig({ ...AWS_ENV, SYNC_SCHEDULE: 'rate(30 minutes)' }).syncSchedule).toBe('rate(30 minutes)');
  });
});

describe('Google credential mode', () => {
  const PROVIDER = 'projects/123456789012/locations/global/workloadIdentityPools/wb-pool/providers/aws-sync';
  const KEYLESS = {
    ...AWS_ENV,
    GOOGLE_CREDENTIALS: 'workload-identity',
    GOOGLE_WORKLOAD_IDENTITY_PROVIDER: PROVIDER,
    GOOGLE_SERVICE_ACCOUNT: 'sync@wb-prod.iam.gserviceaccount.com',
    AWS_REGION: 'eu-west-1',
  };

  it('defaults to the service-account key, with its secret name', () => {
    expect(loadConfig(AWS_ENV).googleCredentials).toEqual({
      mode: 'service-account-key',
      secretName: 'workspace-bridge/google-service-account',
    });
  });

  it("reads the keyless settings with Google's endpoints in AWS, and the emulator's locally", () => {
    expect(loadConfig(KEYLESS).googleCredentials).toEqual({
      mode: 'workload-identity',
      provider: PROVIDER,
      serviceAccount: 'sync@wb-prod.iam.gserviceaccount.com',
      awsRegion: 'eu-west-1',
      stsTokenUrl: 'https://sts.googleapis.com/v1/token',
      iamCredentialsRoot: 'https://iamcredentials.googleapis.com/',
      oauthTokenUrl: 'https://oauth2.googleapis.com/token',
    });
    expect(
      loadConfig({ RUNTIME_MODE: 'local', GOOGLE_CREDENTIALS: 'workload-identity', GOOGLE_API_ROOT: 'http://localhost:4123' })
        .googleCredentials,
    ).toMatchObject({
      stsTokenUrl: 'http://localhost:4123/v1/token',
      iamCredentialsRoot: 'http://localhost:4123/',
      oauthTokenUrl: 'http://localhost:4123/token',
    });
  });

  it('names a missing or malformed keyless setting', () => {
    expect(() => loadConfig({ ...KEYLESS, GOOGLE_WORKLOAD_IDENTITY_PROVIDER: '' })).toThrow(/GOOGLE_WORKLOAD_IDENTITY_PROVIDER is missing/);
    // The project id where Google wants the project number, and the audience form with its host.
    expect(() =>
      loadConfig({
        ...KEYLESS,
        GOOGLE_WORKLOAD_IDENTITY_PROVIDER: 'projects/wb-prod/locations/global/workloadIdentityPools/wb-pool/providers/aws-sync',
      }),
    ).toThrow(/project number/);
    expect(() => loadConfig({ ...KEYLESS, GOOGLE_SERVICE_ACCOUNT: 'admin@example.com' })).toThrow(/GOOGLE_SERVICE_ACCOUNT is invalid/);
    expect(() => loadConfig({ ...KEYLESS, GOOGLE_CREDENTIALS: 'keyless' })).toThrow(ConfigError);
  });
});

describe('Configuration reference (docs/configuration.md)', () => {
  it('documents every key the configuration module reads', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../shared/config/config.ts', import.meta.url), 'utf8');
    const reference = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const keys = [...source.matchAll(/read\.\w+\('([A-Z_]+)'/g)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(10);
    for (const key of [...keys, 'RUNTIME_MODE']) expect(reference, key).toContain(`| \`${key}\` |`);
  });
});

describe('Lambda entry points', () => {
  const root = resolve(import.meta.dirname, '../..');
  // The rotation function reads no configuration (its stack gives it none), so it validates none.
  const entries = [...HTTP_FUNCTIONS.map((f) => f.entry), 'functions/sync.ts', 'functions/push-worker.ts', 'functions/push-channels.ts'];
  /** Imports the modules in a fresh Node with only `env`, as Lambda's init phase does (no handler runs). */
  const coldStart = (modules: readonly string[], env: Record<string, string>) =>
    new Promise<{ exitCode: number; stderr: string }>((done) => {
      const imports = modules.map((m) => `await import(${JSON.stringify(pathToFileURL(join(root, m)).href)});`).join(' ');
      execFile(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', imports],
        {
          cwd: root,
          env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...env },
        },
        (error, _stdout, stderr) => done({ exitCode: error ? Number(error.code) : 0, stderr }),
      );
    });

  it.each(entries)('%s fails its cold start on a missing key, with one line naming it', async (entry) => {
    const { TABLE_NAME: _missing, ...env } = AWS_ENV;
    const { exitCode, stderr } = await coldStart([entry], env);
    expect(exitCode).not.toBe(0);
    expect(stderr).toMatch(/^ConfigError: Configuration key TABLE_NAME is missing: expected the DynamoDB table name\.$/m);
  });

  it('all load with a valid configuration, and in local mode before the local host provides anything', async () => {
    for (const env of [AWS_ENV, { RUNTIME_MODE: 'local' }]) {
      const { exitCode, stderr } = await coldStart(entries, env);
      expect(exitCode, stderr).toBe(0);
    }
  });
});
