/**
 * Keyless domain-wide delegation: the sync's own AWS identity becomes the service account's
 * delegated token, and no key exists anywhere.
 *   1. google-auth-library's AwsClient signs an AWS GetCallerIdentity request with the function's
 *      credentials (from the environment Lambda sets, through a credentials supplier: Lambda has no
 *      EC2 metadata endpoint) and exchanges it at Google's STS for a federated token.
 *   2. With that token, IAM Credentials signJwt signs the delegation assertion as the service
 *      account, and Google's token endpoint exchanges it for the delegated token (sign-jwt-delegation.ts).
 * Each step's failure is a DelegatedTokenError naming the step and the fix.
 */
import { AwsClient, type AwsSecurityCredentials } from 'google-auth-library';
import type { GoogleCredentials } from '../../config/config.js';
import { DelegatedTokenError, cachedPerScopeSet, type CredentialCheck, type DelegatedTokenSource } from './delegated-token.js';
import { delegatedTokenBySignJwt, signDelegationAssertion } from './sign-jwt-delegation.js';

export type WorkloadIdentitySettings = Extract<GoogleCredentials, { mode: 'workload-identity' }>;
export type AwsCredentialsProvider = () => Promise<AwsSecurityCredentials>;

/** signJwt needs a token for the IAM API; the federated token carries this scope. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const AWS4_REQUEST = 'urn:ietf:params:aws:token-type:aws4_request';

/** The execution role's credentials as Lambda sets them (read at each use: nothing else to cache). */
export function awsCredentialsFromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): AwsCredentialsProvider {
  return async () => {
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!accessKeyId || !secretAccessKey) {
      throw new DelegatedTokenError(
        'aws-credentials',
        'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): ' +
          "keyless mode runs as the sync function's execution role; outside Lambda, export that role's session credentials.",
      );
    }
    return { accessKeyId, secretAccessKey, ...(env.AWS_SESSION_TOKEN ? { token: env.AWS_SESSION_TOKEN } : {}) };
  };
}

export interface WorkloadIdentityOptions {
  readonly settings: WorkloadIdentitySettings;
  /** The Workspace admin to impersonate. */
  readonly subject: string;
  readonly awsCredentials: AwsCredentialsProvider;
  readonly now?: () => number;
}

export function workloadIdentityTokenSource(options: WorkloadIdentityOptions): DelegatedTokenSource {
  const { settings, subject } = options;
  const federation = new AwsClient({
    type: 'external_account',
    audience: `//iam.googleapis.com/${settings.provider}`,
    subject_token_type: AWS4_REQUEST,
    token_url: settings.stsTokenUrl,
    scopes: [CLOUD_PLATFORM_SCOPE],
    aws_security_credentials_supplier: {
      getAwsRegion: async () => settings.awsRegion,
      getAwsSecurityCredentials: () => options.awsCredentials(),
    },
  });
  /** AwsClient keeps the federated token until shortly before it expires. */
  const federatedToken = async (): Promise<string> => {
    try {
      const { token } = await federation.getAccessToken();
      if (!token) throw new Error('STS answered without an access token');
      return token;
    } catch (error) {
      throw error instanceof DelegatedTokenError ? error : stsFailure(error, settings);
    }
  };
  const delegationClient =
    `the client id of ${settings.serviceAccount} (gcloud iam service-accounts describe ${settings.serviceAccount} ` +
    `--format='value(oauth2ClientId)')`;
  const delegation = { ...settings, subject, delegationClient, now: options.now };
  return {
    delegationClient,
    token: cachedPerScopeSet(async (scopes) => delegatedTokenBySignJwt(await federatedToken(), scopes, delegation), options.now),
    async verify(): Promise<CredentialCheck[]> {
      const checks: CredentialCheck[] = [];
      const step = async (name: string, detail: string, run: () => Promise<unknown>): Promise<boolean> => {
        try {
          await run();
          checks.push({ name, ok: true, detail });
          return true;
        } catch (error) {
          checks.push({ name, ok: false, detail: error instanceof Error ? error.message : String(error) });
          return false;
        }
      };
      const ok =
        (await step('aws credentials', `the function's AWS credentials (region ${settings.awsRegion})`, options.awsCredentials)) &&
        (await step('workload identity federation', `Google's STS accepted the AWS identity for ${settings.provider}`, federatedToken));
      if (ok) {
        // Signing is the step to prove here; the scope checks that follow exchange assertions per scope.
        await step('signJwt', `the federated identity may sign as ${settings.serviceAccount}`, async () =>
          signDelegationAssertion(await federatedToken(), [], delegation),
        );
      }
      return checks;
    },
  };
}

/** Google's STS answers RFC 8693 errors; google-auth-library rethrows them with the response attached. */
function stsFailure(error: unknown, settings: WorkloadIdentitySettings): DelegatedTokenError {
  const e = error as { response?: { status?: number; data?: { error?: unknown; error_description?: unknown } }; message?: string };
  const status = e.response?.status;
  const reason = typeof e.response?.data?.error === 'string' ? e.response.data.error : undefined;
  const description =
    typeof e.response?.data?.error_description === 'string' ? e.response.data.error_description : (e.message ?? String(error));
  const prefix = `Google's STS refused the sync's AWS identity (${reason ?? status ?? 'no answer'}: ${description}).`;
  let fix: string;
  if (reason === 'invalid_target' || /audience/i.test(description)) {
    fix =
      `The pool or provider is wrong, disabled or deleted: GOOGLE_WORKLOAD_IDENTITY_PROVIDER (-c googleWorkloadIdentityProvider) is ${settings.provider}; ` +
      'it must be projects/<project NUMBER>/locations/global/workloadIdentityPools/<pool>/providers/<provider> (gcloud iam ' +
      'workload-identity-pools providers describe).';
  } else if (reason === 'unauthorized_client' || reason === 'access_denied' || status === 403) {
    fix =
      "The provider does not admit this AWS role: its attribute condition (or AWS account id) must admit the sync function's execution role, " +
      'e.g. attribute.aws_role == "arn:aws:sts::<account>:assumed-role/<sync role name>".';
  } else if (reason === 'invalid_grant') {
    fix =
      "The signed GetCallerIdentity request was not accepted (signature expired or not valid): check the function's clock " +
      'and that its credentials are current.';
  } else {
    fix = `Check that ${settings.stsTokenUrl} is reachable and that the Security Token Service API is enabled.`;
  }
  return new DelegatedTokenError('sts', `${prefix} ${fix}`, reason, status, { cause: error });
}
