/**
 * The IAM Service Account Credentials API's signJwt (POST
 * https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/<email>:signJwt) for
 * federated principals: the caller's federated token must be live, its attribute.aws_role must hold
 * roles/iam.serviceAccountTokenCreator on the service account, and the API must be enabled. The
 * emulator signs with the service account's own key pair, so its token endpoint's JWT-bearer grant
 * accepts the result as it accepts an assertion signed with the downloaded key.
 */
import { createPrivateKey } from 'node:crypto';
import { CompactSign } from 'jose';
import { GoogleApiError, json, type EmulatorRequest, type EmulatorResponse, type EmulatorRoute } from '../http.js';
import type { ServiceAccount } from '../oauth/service-account.js';
import { EMULATOR_JWT_HEADER_MEMBER, type TokenRegistry } from '../oauth/tokens.js';
import type { WorkloadIdentityPool } from '../sts/workload-identity-pool.js';

export interface IamCredentialsContext {
  readonly pool: WorkloadIdentityPool;
  readonly serviceAccount: ServiceAccount;
  readonly tokens: TokenRegistry;
}

export function iamCredentialsRoutes(context: IamCredentialsContext): readonly EmulatorRoute[] {
  return [
    {
      method: 'POST',
      path: '/v1/projects/{project}/serviceAccounts/{accountAndMethod}',
      name: 'iamcredentials.projects.serviceAccounts.signJwt',
      handler: (request) => signJwt(context, request),
    },
  ];
}

async function signJwt(context: IamCredentialsContext, request: EmulatorRequest): Promise<EmulatorResponse> {
  const [account, method] = splitAtLastColon(request.params.accountAndMethod ?? '');
  if (method !== 'signJwt') throw new GoogleApiError(404, 'notFound', `Method ${method ?? ''} not found.`);
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const principal = token ? context.pool.principal(token) : undefined;
  if (!principal)
    throw new GoogleApiError(
      401,
      'authError',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  const { key } = context.serviceAccount;
  if (!context.pool.settings.iamCredentialsEnabled) {
    throw new GoogleApiError(
      403,
      'SERVICE_DISABLED',
      `IAM Service Account Credentials API has not been used in project ${key.project_id} before or it is disabled. Enable it by visiting ` +
        `https://console.developers.google.com/apis/api/iamcredentials.googleapis.com/overview?project=${key.project_id} then retry.`,
    );
  }
  if (account !== key.client_email || !context.pool.mayImpersonate(principal)) {
    // Google answers the same for a missing account and a missing permission.
    throw new GoogleApiError(
      403,
      'IAM_PERMISSION_DENIED',
      `Permission 'iam.serviceAccounts.signJwt' denied on resource (or it may not exist).`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse((JSON.parse(request.body) as { payload?: unknown }).payload as string);
  } catch {
    throw new GoogleApiError(400, 'badRequest', 'Invalid JSON payload: "payload" must be a JSON object serialized as a string.');
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    throw new GoogleApiError(400, 'badRequest', 'The payload must be a JSON object.');
  const signedJwt = await new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ ...EMULATOR_JWT_HEADER_MEMBER, alg: 'RS256', typ: 'JWT', kid: key.private_key_id })
    .sign(createPrivateKey(key.private_key));
  context.tokens.record(signedJwt);
  return json(200, { keyId: key.private_key_id, signedJwt });
}

function splitAtLastColon(value: string): [string, string | undefined] {
  const at = value.lastIndexOf(':');
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
