import { ConfigError, GOOGLE_CREDENTIAL_MODES, INTEGRATIONS, loadConfig, type Config, type Integration } from '../shared/config/config.js';

/**
 * The deployment's settings, read from CDK context: `cdk.json` ("context") or `-c key=value` on the
 * command line. Values the functions read at run time are checked by the functions' own validator
 * (shared/config/config.ts), so a value synth accepts is a value the deployed code accepts.
 */
export interface InfraConfig {
  /** Public origin of the intranet; undefined until it is known (see `appOrigin` in the deploy guide). */
  readonly appOrigin: string | undefined;
  readonly customDomain: { readonly domainName: string; readonly certificateArn: string } | undefined;
  readonly googleClientId: string | undefined;
  readonly allowedDomains: readonly string[];
  readonly adminSubject: string;
  readonly syncSchedule: string;
  readonly secretNames: { readonly sessionKeys: string; readonly serviceAccountKey: string; readonly googleClientSecret: string };
  /**
   * How the sync proves it is the service account: a key in the secret `secretNames.serviceAccountKey`
   * (default), or keyless through Workload Identity Federation, where no key secret exists.
   */
  readonly googleCredentials:
    | { readonly mode: 'service-account-key' }
    | { readonly mode: 'workload-identity'; readonly provider: string; readonly serviceAccount: string };
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  readonly logRetentionDays: number;
  /** Cap on concurrent executions per HTTP function, so a flood cannot starve the account's other workloads. */
  readonly httpReservedConcurrency: number | undefined;
  readonly alarmEmail: string | undefined;
  /** Google group whose members (also through nested groups) are intranet admins besides Workspace admins; undefined: Workspace admins only. */
  readonly adminGroupEmail: string | undefined;
  /** Google integrations the web client offers (empty: none); undefined: the functions' own default (shared/config/config.ts). */
  readonly enabledIntegrations: readonly Integration[] | undefined;
  /** Directory of the built web client (`npm run build`). */
  readonly webBuildDir: string;
  /** Days between automatic rotations of the session key ring. */
  readonly sessionKeyRotationDays: number;
  /**
   * Names this installation, so several (say staging and production) live in one account and region:
   * it goes into every stack name and every named resource. Undefined: the original names.
   */
  readonly instanceName: string | undefined;
  /** ARN of a WAFv2 web ACL (scope CLOUDFRONT, so in us-east-1) to put in front of CloudFront; undefined: none. */
  readonly webAclArn: string | undefined;
  /** CloudFront price class: which edge locations serve the site (docs/deploy.md, "Deployment settings (CDK context)", with its costs). */
  readonly priceClass: PriceClassSetting;
  /** AWS X-Ray active tracing on every function (and the IAM it needs); off by default: X-Ray bills per trace. */
  readonly tracing: boolean;
  /**
   * Push-driven sync deployed and on (receiver behind CloudFront, queue, worker, channel manager);
   * the default is the functions' own PUSH_ENABLED default (shared/config/config.ts), as resolved.
   */
  readonly push: boolean;
  /** Reserved concurrency of the push receiver: the most a flood of notifications can run at once. */
  readonly pushReceiverConcurrency: number;
}

/** Reserved concurrency of the push receiver by default: about 150 notifications a second at ~30 ms each. */
const PUSH_RECEIVER_CONCURRENCY = 5;

/** CloudFront price classes by their context value; 100 (North America, Europe, Israel) is the default and the cheapest. */
export const PRICE_CLASSES = ['100', '200', 'All'] as const;
export type PriceClassSetting = (typeof PRICE_CLASSES)[number];

/** Prefix of stack names; an instance name follows it (WorkspaceBridge-staging-Data). */
export const STACK_NAME_PREFIX = 'WorkspaceBridge';
/** Prefix of secret names; an instance name follows it (workspace-bridge/staging/session-keys). */
const SECRET_NAME_PREFIX = 'workspace-bridge';

/** The stack-name prefix of an installation: `WorkspaceBridge` or `WorkspaceBridge-<instanceName>`. */
export function stackNamePrefix(config: Pick<InfraConfig, 'instanceName'>): string {
  return config.instanceName ? `${STACK_NAME_PREFIX}-${config.instanceName}` : STACK_NAME_PREFIX;
}

/** CDK context keys, as written in cdk.json or passed with `-c`. */
export const CONTEXT_KEYS = [
  'appOrigin',
  'customDomain',
  'certificateArn',
  'googleClientId',
  'allowedDomains',
  'adminSubject',
  'syncSchedule',
  'sessionKeysSecretName',
  'serviceAccountSecretName',
  'googleClientSecretName',
  'googleCredentials',
  'googleWorkloadIdentityProvider',
  'googleServiceAccount',
  'logLevel',
  'logRetentionDays',
  'httpReservedConcurrency',
  'alarmEmail',
  'adminGroupEmail',
  'enabledIntegrations',
  'webBuildDir',
  'sessionKeyRotationDays',
  'instanceName',
  'webAclArn',
  'priceClass',
  'tracing',
  'push',
  'pushReceiverConcurrency',
] as const;
export type ContextKey = (typeof CONTEXT_KEYS)[number];

export class InfraConfigError extends Error {
  override name = 'InfraConfigError';
  constructor(key: ContextKey, message: string) {
    super(`CDK context "${key}" ${message} (set it in cdk.json "context" or with -c ${key}=…; see README, Deploy guide).`);
  }
}

/** CloudWatch Logs' allowed retention periods, in days. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Which context key feeds which function environment key, to name the right one in an error. */
const ENV_SOURCE: Partial<Record<string, ContextKey>> = {
  APP_ORIGIN: 'appOrigin',
  GOOGLE_CLIENT_ID: 'googleClientId',
  ALLOWED_DOMAINS: 'allowedDomains',
  GOOGLE_ADMIN_SUBJECT: 'adminSubject',
  SYNC_SCHEDULE: 'syncSchedule',
  SESSION_KEYS_SECRET_NAME: 'sessionKeysSecretName',
  SERVICE_ACCOUNT_SECRET_NAME: 'serviceAccountSecretName',
  GOOGLE_CLIENT_SECRET_NAME: 'googleClientSecretName',
  GOOGLE_CREDENTIALS: 'googleCredentials',
  GOOGLE_WORKLOAD_IDENTITY_PROVIDER: 'googleWorkloadIdentityProvider',
  GOOGLE_SERVICE_ACCOUNT: 'googleServiceAccount',
  LOG_LEVEL: 'logLevel',
  ADMIN_GROUP_EMAIL: 'adminGroupEmail',
  ENABLED_INTEGRATIONS: 'enabledIntegrations',
  PUSH_ENABLED: 'push',
};

export type ContextReader = (key: ContextKey) => unknown;

export function readInfraConfig(context: ContextReader): InfraConfig {
  const text = (key: ContextKey): string | undefined => {
    const value = context(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (Array.isArray(value)) return value.map(String).join(',');
    return String(value).trim();
  };
  const integer = (
    key: ContextKey,
    fallback: number | undefined,
    allowed: (n: number) => boolean,
    expected: string,
  ): number | undefined => {
    const raw = text(key);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || !allowed(n)) throw new InfraConfigError(key, `is ${JSON.stringify(raw)}: expected ${expected}`);
    return n;
  };

  const domainName = text('customDomain');
  const certificateArn = text('certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new InfraConfigError(
      domainName ? 'certificateArn' : 'customDomain',
      'is missing: a custom domain needs both customDomain and certificateArn',
    );
  }
  if (certificateArn && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new InfraConfigError(
      'certificateArn',
      'is not an ACM certificate ARN in us-east-1 (CloudFront only uses certificates from us-east-1)',
    );
  }
  const declaredOrigin = text('appOrigin');
  if (domainName && declaredOrigin && declaredOrigin !== `https://${domainName}`) {
    throw new InfraConfigError('appOrigin', `must be https://${domainName} (or left out) when customDomain is set`);
  }
  const appOrigin = domainName ? `https://${domainName}` : declaredOrigin;

  const googleClientId = text('googleClientId');
  if (appOrigin && !googleClientId)
    throw new InfraConfigError('googleClientId', 'is missing: the sign-in functions need the OAuth client id');

  const alarmEmail = text('alarmEmail');
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail))
    throw new InfraConfigError('alarmEmail', `is ${JSON.stringify(alarmEmail)}: expected an email address`);

  // A list (cdk.json) or a comma-separated string (-c); "none" turns every integration off. The
  // names themselves are checked by the functions' validator below (validateAgainstRuntime).
  const integrations = text('enabledIntegrations');
  let enabledIntegrations: string[] | undefined;
  if (integrations !== undefined) {
    enabledIntegrations =
      integrations.toLowerCase() === 'none'
        ? []
        : integrations
            .split(',')
            .map((i) => i.trim().toLowerCase())
            .filter(Boolean);
    if (enabledIntegrations.length === 0 && integrations.toLowerCase() !== 'none') {
      throw new InfraConfigError(
        'enabledIntegrations',
        `is ${JSON.stringify(integrations)}: expected "none" or a comma-separated list of ${INTEGRATIONS.join(', ')}`,
      );
    }
  }

  const instanceName = text('instanceName');
  // Short enough that every generated name stays within AWS limits (a CloudFormation export name, a Lambda function name: 64).
  if (instanceName !== undefined && !/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/.test(instanceName)) {
    throw new InfraConfigError(
      'instanceName',
      `is ${JSON.stringify(instanceName)}: expected 2 to 16 lowercase letters, digits or hyphens, starting with a letter`,
    );
  }
  const secretPrefix = instanceName ? `${SECRET_NAME_PREFIX}/${instanceName}` : SECRET_NAME_PREFIX;

  const webAclArn = text('webAclArn');
  if (webAclArn && !/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/.test(webAclArn)) {
    throw new InfraConfigError(
      'webAclArn',
      'is not the ARN of a WAFv2 web ACL with scope CLOUDFRONT (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>)',
    );
  }
  const priceClass = text('priceClass') ?? '100';
  if (!(PRICE_CLASSES as readonly string[]).includes(priceClass)) {
    throw new InfraConfigError('priceClass', `is ${JSON.stringify(priceClass)}: expected one of ${PRICE_CLASSES.join(', ')}`);
  }

  const tracing = text('tracing')?.toLowerCase() ?? 'false';
  if (tracing !== 'true' && tracing !== 'false')
    throw new InfraConfigError('tracing', `is ${JSON.stringify(tracing)}: expected true or false`);
  const push = text('push')?.toLowerCase();
  if (push !== undefined && push !== 'true' && push !== 'false')
    throw new InfraConfigError('push', `is ${JSON.stringify(push)}: expected true or false`);

  // The keyless values themselves are checked by the functions' validator (validateAgainstRuntime).
  const credentialMode = text('googleCredentials') ?? 'service-account-key';
  if (!(GOOGLE_CREDENTIAL_MODES as readonly string[]).includes(credentialMode)) {
    throw new InfraConfigError(
      'googleCredentials',
      `is ${JSON.stringify(credentialMode)}: expected one of ${GOOGLE_CREDENTIAL_MODES.join(', ')}`,
    );
  }
  const provider = text('googleWorkloadIdentityProvider');
  const serviceAccount = text('googleServiceAccount');
  if (credentialMode !== 'workload-identity' && (provider || serviceAccount)) {
    throw new InfraConfigError(
      provider ? 'googleWorkloadIdentityProvider' : 'googleServiceAccount',
      'is set, but googleCredentials is not workload-identity: set -c googleCredentials=workload-identity, or leave both keyless settings out',
    );
  }
  const googleCredentials =
    credentialMode === 'workload-identity'
      ? ({ mode: credentialMode, provider: provider ?? '', serviceAccount: serviceAccount ?? '' } as const)
      : { mode: credentialMode as 'service-account-key' };

  const settings: InfraSettings = {
    appOrigin,
    customDomain: domainName && certificateArn ? { domainName, certificateArn } : undefined,
    googleClientId,
    allowedDomains: (text('allowedDomains') ?? '')
      .split(',')
      .map((d) => d.trim().toLowerCase())
      .filter(Boolean),
    adminSubject: text('adminSubject') ?? '',
    syncSchedule: text('syncSchedule') ?? 'rate(1 hour)',
    secretNames: {
      sessionKeys: text('sessionKeysSecretName') ?? `${secretPrefix}/session-keys`,
      serviceAccountKey: text('serviceAccountSecretName') ?? `${secretPrefix}/google-service-account`,
      googleClientSecret: text('googleClientSecretName') ?? `${secretPrefix}/google-client-secret`,
    },
    googleCredentials,
    logLevel: (text('logLevel') ?? 'INFO') as InfraConfig['logLevel'],
    logRetentionDays: integer('logRetentionDays', 90, (n) => LOG_RETENTION_DAYS.includes(n), `one of ${LOG_RETENTION_DAYS.join(', ')}`)!,
    httpReservedConcurrency: integer('httpReservedConcurrency', undefined, (n) => n >= 1 && n <= 1000, 'an integer from 1 to 1000'),
    alarmEmail,
    adminGroupEmail: text('adminGroupEmail')?.toLowerCase(),
    enabledIntegrations: enabledIntegrations as Integration[] | undefined,
    webBuildDir: text('webBuildDir') ?? 'web/dist',
    sessionKeyRotationDays: integer('sessionKeyRotationDays', 30, (n) => n >= 1 && n <= 365, 'an integer from 1 to 365')!,
    instanceName,
    webAclArn,
    priceClass: priceClass as PriceClassSetting,
    tracing: tracing === 'true',
    push: push === undefined ? undefined : push === 'true',
    pushReceiverConcurrency: integer(
      'pushReceiverConcurrency',
      PUSH_RECEIVER_CONCURRENCY,
      (n) => n >= 1 && n <= 100,
      'an integer from 1 to 100',
    )!,
  };
  // The functions' own validator checks every value they will read (placeholders stand in for
  // values that only exist after deployment, such as the table name, and for a not-yet-known origin).
  // It also resolves what the settings leave to the functions' defaults: whether push is on.
  const runtime = validateAgainstRuntime(settings);
  return { ...settings, push: runtime.push.enabled };
}

/** The settings as given: `push` unset leaves it to the functions' default. */
type InfraSettings = Omit<InfraConfig, 'push'> & { readonly push: boolean | undefined };

/**
 * The environment every function gets: the keys shared/config/config.ts reads in mode `aws`.
 * Keyless, no function is told of a key secret, since none exists.
 */
export function functionEnvironment(config: InfraSettings, tableName: string): Record<string, string> {
  const credentials = config.googleCredentials;
  return {
    RUNTIME_MODE: 'aws',
    APP_ORIGIN: config.appOrigin ?? '',
    GOOGLE_CLIENT_ID: config.googleClientId ?? '',
    ALLOWED_DOMAINS: config.allowedDomains.join(','),
    GOOGLE_ADMIN_SUBJECT: config.adminSubject,
    SYNC_SCHEDULE: config.syncSchedule,
    TABLE_NAME: tableName,
    SESSION_KEYS_SECRET_NAME: config.secretNames.sessionKeys,
    ...(credentials.mode === 'workload-identity'
      ? {
          GOOGLE_CREDENTIALS: credentials.mode,
          GOOGLE_WORKLOAD_IDENTITY_PROVIDER: credentials.provider,
          GOOGLE_SERVICE_ACCOUNT: credentials.serviceAccount,
        }
      : { SERVICE_ACCOUNT_SECRET_NAME: config.secretNames.serviceAccountKey }),
    GOOGLE_CLIENT_SECRET_NAME: config.secretNames.googleClientSecret,
    LOG_LEVEL: config.logLevel,
    ...(config.push === undefined ? {} : { PUSH_ENABLED: String(config.push) }),
    NODE_OPTIONS: '--enable-source-maps',
  };
}

/**
 * The settings only the directory API reads (its admin check, `/api/me` and `/api/config`), for
 * the functions whose permission profile says `readsApiSettings`. Unset settings stay unset, so
 * the functions' own defaults apply (stated once, in shared/config/config.ts).
 */
export function apiSettingsEnvironment(config: Pick<InfraConfig, 'adminGroupEmail' | 'enabledIntegrations'>): Record<string, string> {
  const { adminGroupEmail, enabledIntegrations } = config;
  return {
    ...(adminGroupEmail ? { ADMIN_GROUP_EMAIL: adminGroupEmail } : {}),
    ...(enabledIntegrations ? { ENABLED_INTEGRATIONS: enabledIntegrations.length > 0 ? enabledIntegrations.join(',') : 'none' } : {}),
  };
}

function validateAgainstRuntime(config: InfraSettings): Config {
  const env = {
    ...functionEnvironment(
      {
        ...config,
        appOrigin: config.appOrigin ?? 'https://origin.invalid',
        googleClientId: config.googleClientId ?? 'pending.apps.googleusercontent.com',
      },
      'table-name',
    ),
    ...apiSettingsEnvironment(config),
    AWS_REGION: 'us-east-1', // Lambda sets it
  };
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const key = ENV_SOURCE[error.key];
    if (!key) throw error;
    throw new InfraConfigError(key, `is not usable: ${error.message}`);
  }
}
