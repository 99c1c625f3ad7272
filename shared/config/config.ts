/**
 * The one typed, validated configuration of Workspace Bridge, read from the environment by every
 * Lambda function and by the local host alike.
 *
 * Two modes: `aws` (inside Lambda, or RUNTIME_MODE=aws) where every operator key is required, and
 * `local` (npm start, tests) where keys default to the local Google emulator and DynamoDB Local.
 * A missing or invalid key throws a ConfigError whose one-line message names the key and what it
 * expects, so a function fails at cold start instead of at the first request: every Lambda entry
 * point validates at module load (initDependencies in shared/runtime/dependencies.ts).
 */
import { INTEGRATIONS, type Integration } from '../contract/api.js';

export type RuntimeMode = 'aws' | 'local';

export interface Config {
  readonly mode: RuntimeMode;
  /** Local host port. */
  readonly port: number;
  /** Public origin of the intranet (CloudFront or the local host); redirect URIs are built from it, never from Host. */
  readonly appOrigin: string;
  readonly googleClientId: string;
  /** Unset in AWS, where the secret store holds it (GOOGLE_CLIENT_SECRET_NAME). */
  readonly googleClientSecret: string | undefined;
  readonly oidcIssuer: string;
  readonly allowedDomains: readonly string[];
  readonly googleAdminSubject: string;
  readonly googleApiRoot: string;
  /** How directory sync proves it is the service account (GOOGLE_CREDENTIALS). */
  readonly googleCredentials: GoogleCredentials;
  readonly syncSchedule: string;
  readonly sync: {
    /** The tenant's Directory API quota per minute; the limiter runs at 90% of it. */
    readonly quotaPerMinute: number;
    /** Share of stored users or groups one run may delete before the guard refuses it. */
    readonly maxDeleteShare: number;
    /** How often a long fetch stages its progress, so a crash loses at most this much. */
    readonly checkpointSeconds: number;
  };
  readonly tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); unset in AWS. */
  readonly dynamodbEndpoint: string | undefined;
  readonly secretNames: {
    readonly sessionKeys: string;
    readonly googleClientSecret: string;
  };
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Sessions end after this long without a request (OWASP ASVS 7.3.1). */
  readonly sessionIdleTimeoutMinutes: number;
  /** Sessions end this long after sign-in, active or not (OWASP ASVS 7.3.2). */
  readonly sessionAbsoluteLifetimeHours: number;
  /** Google integrations the tenant enabled, for the web client. */
  readonly enabledIntegrations: readonly Integration[];
  /** Members of this group (transitively) are intranet admins besides Workspace admins; unset: Workspace admins only. */
  readonly adminGroupEmail: string | undefined;
  /** The sync Lambda the API invokes for "run now" (AWS only). */
  readonly syncFunctionName: string | undefined;
  /** Push-driven sync (Google's notification channels); see docs/sync.md (Push-driven sync). */
  readonly push: {
    /**
     * Open channels and receive notifications. On by default: without the Reports scope delegated
     * no channel opens, push health says so and the full sync stays hourly (docs/sync.md).
     */
    readonly enabled: boolean;
    /** The receiver's public address Google posts to: https in AWS. */
    readonly receiverUrl: string;
    readonly channelTtlHours: number;
    /** The SQS queue the receiver hands verified changes to (AWS only; locally an in-process queue). */
    readonly queueUrl: string | undefined;
    /**
     * The value CloudFront puts in the receiver's origin header (AWS only): a request without it
     * did not come through the distribution and is refused before any table read.
     */
    readonly originSecret: string | undefined;
  };
  /** How often a warm API function re-reads the search index pointer (staleness after a sync vs reads). */
  readonly searchIndexCheckSeconds: number;
}

/** The integrations are part of the wire contract (GET /api/config and /api/me name them). */
export { INTEGRATIONS, type Integration };

/**
 * `service-account-key` (default): a downloaded key JSON in the secret SERVICE_ACCOUNT_SECRET_NAME
 * signs the delegation assertion. `workload-identity`: no key exists; the sync's AWS identity is
 * exchanged at Google's STS through the Workload Identity Federation provider
 * GOOGLE_WORKLOAD_IDENTITY_PROVIDER, and IAM Credentials signs the assertion as
 * GOOGLE_SERVICE_ACCOUNT (docs/deploy.md, "Keyless (Workload Identity Federation)").
 */
export const GOOGLE_CREDENTIAL_MODES = ['service-account-key', 'workload-identity'] as const;

export type GoogleCredentials =
  | { readonly mode: 'service-account-key'; readonly secretName: string }
  | {
      readonly mode: 'workload-identity';
      /** `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`. */
      readonly provider: string;
      /** The service account's email; it must have domain-wide delegation. */
      readonly serviceAccount: string;
      /** The region of the GetCallerIdentity request the function signs (Lambda sets AWS_REGION). */
      readonly awsRegion: string;
      /** Google's STS token exchange; locally the emulator's. */
      readonly stsTokenUrl: string;
      /** Root of the IAM Service Account Credentials API (signJwt). */
      readonly iamCredentialsRoot: string;
      /** Where the signed delegation assertion is exchanged for the access token. */
      readonly oauthTokenUrl: string;
    };

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly key: string,
    expected: string,
    got: string | undefined,
  ) {
    super(
      `Configuration key ${key} ${got === undefined || got === '' ? 'is missing' : `is invalid (${JSON.stringify(got)})`}: expected ${expected}.`,
    );
  }
}

/** The emulator's origin and demo client: what `npm start` and the tests use unless told otherwise. */
export const LOCAL_DEFAULTS = {
  emulatorOrigin: 'http://localhost:4000',
  googleClientId: 'workspace-bridge-local.apps.googleusercontent.com',
  googleClientSecret: 'local-client-secret',
  allowedDomains: 'example.com,example.org',
  googleAdminSubject: 'ada@example.com',
  tableName: 'workspace-bridge',
  /** The emulator's Workload Identity Federation provider and the service account it lets the local sync role sign as. */
  workloadIdentityProvider: 'projects/123456789012/locations/global/workloadIdentityPools/workspace-bridge/providers/aws-sync',
  googleServiceAccount: 'directory-sync@workspace-bridge-local.iam.gserviceaccount.com',
  awsRegion: 'us-east-1',
} as const;

/**
 * Where Google posts push notifications, behind the site's origin (docs/sync.md, "Receiver
 * placement"): the route, the CloudFront behavior and PUSH_RECEIVER_URL's default.
 */
export const PUSH_RECEIVER_PATH = '/hooks/google';

const GOOGLE_ISSUER = 'https://accounts.google.com';
/** Google's production API root, GOOGLE_API_ROOT's default in AWS. */
export const GOOGLE_API_ROOT = 'https://www.googleapis.com/';
const GOOGLE_STS_TOKEN_URL = 'https://sts.googleapis.com/v1/token';
const GOOGLE_IAM_CREDENTIALS_ROOT = 'https://iamcredentials.googleapis.com/';
const GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const WORKLOAD_IDENTITY_PROVIDER = /^projects\/\d+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}\/providers\/[a-z0-9-]{4,32}$/;
const SERVICE_ACCOUNT_EMAIL = /^[a-z0-9][a-z0-9-]*@[a-z0-9-]+(\.[a-z0-9-]+)*\.gserviceaccount\.com$/;

type Env = Readonly<Record<string, string | undefined>>;

export function detectMode(env: Env): RuntimeMode {
  const declared = env.RUNTIME_MODE;
  if (declared === 'aws' || declared === 'local') return declared;
  if (declared !== undefined && declared !== '') throw new ConfigError('RUNTIME_MODE', '"aws" or "local"', declared);
  return env.AWS_LAMBDA_FUNCTION_NAME ? 'aws' : 'local';
}

/** What directory sync reads, and all that `npm run sync` requires (an operator's shell has no sign-in keys to give). */
export type SyncConfig = Pick<
  Config,
  'mode' | 'googleAdminSubject' | 'googleApiRoot' | 'googleCredentials' | 'sync' | 'tableName' | 'dynamodbEndpoint' | 'secretNames'
>;

/** Reads and validates the whole configuration; throws ConfigError on the first bad key. */
export function loadConfig(env: Env = process.env): Config {
  const mode = detectMode(env);
  const read = reader(env, mode);
  const port = read.integer('PORT', { local: 3000, aws: 3000 }, 1, 65535);
  const emulator = LOCAL_DEFAULTS.emulatorOrigin;
  const appOrigin = read.origin('APP_ORIGIN', { local: `http://localhost:${port}` });
  return {
    ...readSyncKeys(read),
    port,
    appOrigin,
    googleClientId: read.string(
      'GOOGLE_CLIENT_ID',
      { local: LOCAL_DEFAULTS.googleClientId },
      'an OAuth client id (…apps.googleusercontent.com)',
    ),
    googleClientSecret: read.optional('GOOGLE_CLIENT_SECRET', { local: LOCAL_DEFAULTS.googleClientSecret }),
    oidcIssuer: read.url('OIDC_ISSUER', { local: emulator, aws: GOOGLE_ISSUER }),
    allowedDomains: read.domains('ALLOWED_DOMAINS', { local: LOCAL_DEFAULTS.allowedDomains }),
    syncSchedule: read.schedule('SYNC_SCHEDULE', { local: 'rate(15 minutes)', aws: 'rate(1 hour)' }),
    logLevel: read.oneOf('LOG_LEVEL', ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const, { local: 'INFO', aws: 'INFO' }),
    sessionIdleTimeoutMinutes: read.integer('SESSION_IDLE_TIMEOUT_MINUTES', { local: 480, aws: 480 }, 5, 24 * 60),
    sessionAbsoluteLifetimeHours: read.integer('SESSION_ABSOLUTE_LIFETIME_HOURS', { local: 168, aws: 168 }, 1, 90 * 24),
    enabledIntegrations: read.list('ENABLED_INTEGRATIONS', INTEGRATIONS, { local: INTEGRATIONS, aws: INTEGRATIONS }),
    adminGroupEmail: read.optionalEmail('ADMIN_GROUP_EMAIL', 'the email address of a Google group'),
    syncFunctionName: read.optional('SYNC_FUNCTION_NAME', {}),
    searchIndexCheckSeconds: read.integer('SEARCH_INDEX_CHECK_SECONDS', { local: 2, aws: 2 }, 0, 3600),
    push: {
      enabled: read.boolean('PUSH_ENABLED', { local: true, aws: true }),
      receiverUrl: read.optionalUrl('PUSH_RECEIVER_URL') ?? `${appOrigin}${PUSH_RECEIVER_PATH}`,
      channelTtlHours: read.integer('PUSH_CHANNEL_TTL_HOURS', { local: 6, aws: 6 }, 1, 24),
      queueUrl: read.optionalUrl('PUSH_QUEUE_URL'),
      originSecret: read.optional('PUSH_ORIGIN_SECRET', {}),
    },
  };
}

/** Only the keys directory sync reads (the `npm run sync` profile); validated as in loadConfig. */
export function loadSyncConfig(env: Env = process.env): SyncConfig {
  return readSyncKeys(reader(env, detectMode(env)));
}

function readSyncKeys(read: Reader): SyncConfig {
  const googleApiRoot = withTrailingSlash(read.url('GOOGLE_API_ROOT', { local: LOCAL_DEFAULTS.emulatorOrigin, aws: GOOGLE_API_ROOT }));
  return {
    mode: read.mode,
    googleAdminSubject: read.email('GOOGLE_ADMIN_SUBJECT', { local: LOCAL_DEFAULTS.googleAdminSubject }),
    googleApiRoot,
    googleCredentials: readGoogleCredentials(read, googleApiRoot),
    sync: {
      quotaPerMinute: read.integer('SYNC_QUOTA_PER_MINUTE', { local: 2400, aws: 2400 }, 10, 1_000_000),
      maxDeleteShare: read.share('SYNC_MAX_DELETE_SHARE', { local: 0.1, aws: 0.1 }),
      checkpointSeconds: read.integer('SYNC_CHECKPOINT_SECONDS', { local: 60, aws: 60 }, 1, 600),
    },
    tableName: read.string('TABLE_NAME', { local: LOCAL_DEFAULTS.tableName }, 'the DynamoDB table name'),
    dynamodbEndpoint: read.optionalUrl('DYNAMODB_ENDPOINT'),
    secretNames: {
      sessionKeys: read.string(
        'SESSION_KEYS_SECRET_NAME',
        { local: 'session-keys', aws: 'workspace-bridge/session-keys' },
        'a secret name',
      ),
      googleClientSecret: read.string(
        'GOOGLE_CLIENT_SECRET_NAME',
        { local: 'google-client-secret', aws: 'workspace-bridge/google-client-secret' },
        'a secret name',
      ),
    },
  };
}

/** Locally the emulator answers for every Google host, so its endpoints default to GOOGLE_API_ROOT's origin. */
function readGoogleCredentials(read: Reader, googleApiRoot: string): GoogleCredentials {
  const mode = read.oneOf('GOOGLE_CREDENTIALS', GOOGLE_CREDENTIAL_MODES, { local: 'service-account-key', aws: 'service-account-key' });
  if (mode === 'service-account-key') {
    return {
      mode,
      secretName: read.string(
        'SERVICE_ACCOUNT_SECRET_NAME',
        { local: 'google-service-account', aws: 'workspace-bridge/google-service-account' },
        'a secret name',
      ),
    };
  }
  const emulator = new URL(googleApiRoot).origin;
  return {
    mode,
    provider: read.matching(
      'GOOGLE_WORKLOAD_IDENTITY_PROVIDER',
      WORKLOAD_IDENTITY_PROVIDER,
      { local: LOCAL_DEFAULTS.workloadIdentityProvider },
      'the full provider name projects/<project number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>',
    ),
    serviceAccount: read.matching(
      'GOOGLE_SERVICE_ACCOUNT',
      SERVICE_ACCOUNT_EMAIL,
      { local: LOCAL_DEFAULTS.googleServiceAccount },
      'a service account email (…@<project>.iam.gserviceaccount.com)',
    ),
    awsRegion: read.string('AWS_REGION', { local: LOCAL_DEFAULTS.awsRegion }, 'the AWS region (Lambda sets it)'),
    stsTokenUrl: read.url('GOOGLE_STS_TOKEN_URL', { local: `${emulator}/v1/token`, aws: GOOGLE_STS_TOKEN_URL }),
    iamCredentialsRoot: withTrailingSlash(read.url('GOOGLE_IAM_CREDENTIALS_ROOT', { local: emulator, aws: GOOGLE_IAM_CREDENTIALS_ROOT })),
    oauthTokenUrl: read.url('GOOGLE_OAUTH_TOKEN_URL', { local: `${emulator}/token`, aws: GOOGLE_OAUTH_TOKEN_URL }),
  };
}

let cached: Config | undefined;
/** The process-wide configuration, read once (at cold start in Lambda). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

type Defaults<T> = { readonly local?: T; readonly aws?: T };
type Reader = ReturnType<typeof reader>;

function reader(env: Env, mode: RuntimeMode) {
  const raw = <T>(key: string, defaults: Defaults<T>): string | T | undefined => {
    const value = env[key]?.trim();
    if (value !== undefined && value !== '') return value;
    return defaults[mode];
  };
  const required = (key: string, defaults: Defaults<string>, expected: string): string => {
    const value = raw(key, defaults);
    if (value === undefined) throw new ConfigError(key, expected, undefined);
    return value;
  };
  return {
    mode,
    string: required,
    optional: (key: string, defaults: Defaults<string>): string | undefined => raw(key, defaults),
    integer(key: string, defaults: Defaults<number>, min: number, max: number): number {
      const value = raw(key, defaults);
      const expected = `an integer from ${min} to ${max}`;
      if (value === undefined) throw new ConfigError(key, expected, undefined);
      const n = typeof value === 'number' ? value : Number(value);
      if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(key, expected, String(value));
      return n;
    },
    share(key: string, defaults: Defaults<number>): number {
      const value = raw(key, defaults);
      const expected = 'a share from 0 to 1, such as 0.1 for 10%';
      const n = typeof value === 'number' ? value : Number(value);
      if (value === undefined || value === '' || !Number.isFinite(n) || n < 0 || n > 1)
        throw new ConfigError(key, expected, value === undefined ? undefined : String(value));
      return n;
    },
    url(key: string, defaults: Defaults<string>): string {
      const value = required(key, defaults, 'an http(s) URL');
      if (!isHttpUrl(value)) throw new ConfigError(key, 'an http(s) URL', value);
      return value;
    },
    boolean(key: string, defaults: Defaults<boolean>): boolean {
      const value = raw(key, defaults);
      if (value === true || value === false) return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw new ConfigError(key, '"true" or "false"', value);
    },
    optionalUrl(key: string): string | undefined {
      const value = raw<string>(key, {});
      if (value !== undefined && !isHttpUrl(value)) throw new ConfigError(key, 'an http(s) URL', value);
      return value;
    },
    origin(key: string, defaults: Defaults<string>): string {
      const expected = 'an origin such as https://intranet.example.com (no path)';
      const value = required(key, defaults, expected);
      if (!isHttpUrl(value) || new URL(value).origin !== value.replace(/\/$/, '')) throw new ConfigError(key, expected, value);
      return new URL(value).origin;
    },
    domains(key: string, defaults: Defaults<string>): string[] {
      const expected = 'comma-separated Workspace domains such as example.com,example.org';
      const value = required(key, defaults, expected);
      const domains = value
        .split(',')
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean);
      if (domains.length === 0 || !domains.every((d) => /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/.test(d))) {
        throw new ConfigError(key, expected, value);
      }
      return domains;
    },
    email(key: string, defaults: Defaults<string>): string {
      const expected = 'the email address of a Workspace admin';
      const value = required(key, defaults, expected);
      if (!EMAIL.test(value)) throw new ConfigError(key, expected, value);
      return value.toLowerCase();
    },
    optionalEmail(key: string, expected: string): string | undefined {
      const value = raw<string>(key, {});
      if (value !== undefined && !EMAIL.test(value)) throw new ConfigError(key, expected, value);
      return value?.toLowerCase();
    },
    schedule(key: string, defaults: Defaults<string>): string {
      const expected = 'an EventBridge expression: rate(N minutes|hours|days) or cron(…)';
      const value = required(key, defaults, expected);
      if (!/^rate\(\d+ (minute|minutes|hour|hours|day|days)\)$/.test(value) && !/^cron\([^()]+\)$/.test(value)) {
        throw new ConfigError(key, expected, value);
      }
      return value;
    },
    /** A comma-separated subset of `allowed` (may be empty: "none" enables nothing). */
    list<T extends string>(key: string, allowed: readonly T[], defaults: Defaults<readonly T[]>): readonly T[] {
      const expected = `"none" or a comma-separated list of ${allowed.join(', ')}`;
      const value = raw(key, defaults);
      if (value === undefined) throw new ConfigError(key, expected, undefined);
      if (typeof value !== 'string') return value;
      if (value.toLowerCase() === 'none') return [];
      const items = [
        ...new Set(
          value
            .split(',')
            .map((item) => item.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      if (items.length === 0 || !items.every((item) => (allowed as readonly string[]).includes(item)))
        throw new ConfigError(key, expected, value);
      return items as T[];
    },
    matching(key: string, pattern: RegExp, defaults: Defaults<string>, expected: string): string {
      const value = required(key, defaults, expected);
      if (!pattern.test(value)) throw new ConfigError(key, expected, value);
      return value;
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], defaults: Defaults<T>): T {
      const expected = `one of ${allowed.join(', ')}`;
      const value = required(key, defaults, expected);
      if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(key, expected, value);
      return value as T;
    },
  };
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
