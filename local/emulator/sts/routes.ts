/**
 * Google's Security Token Service token exchange (POST https://sts.googleapis.com/v1/token, RFC 8693)
 * for an AWS provider: the subject token is the URL-encoded JSON of a signed AWS GetCallerIdentity
 * request, as google-auth-library's AwsClient builds it. Where Google would send that request to
 * AWS, the emulator checks its SigV4 signature against the local credentials it knows, then applies
 * the provider's attribute mapping and condition and issues a federated access token.
 */
import { OAuthError, formBody, json, type EmulatorRequest, type EmulatorResponse, type EmulatorRoute } from '../http.js';
import type { TokenRegistry } from '../oauth/tokens.js';
import { awsRoleOf } from './local-aws.js';
import { parseAmzDate, parseAuthorization, signatureMatches } from './sigv4.js';
import type { WorkloadIdentityPool } from './workload-identity-pool.js';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const AWS4_REQUEST = 'urn:ietf:params:aws:token-type:aws4_request';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
/** AWS refuses a signature more than 15 minutes from its clock. */
const SIGNATURE_MAX_AGE_MS = 15 * 60_000;
const FEDERATED_TOKEN_SECONDS = 3600;
const GET_CALLER_IDENTITY = /^https:\/\/sts(\.[a-z0-9-]+)?\.amazonaws\.com\/?\?Action=GetCallerIdentity&Version=2011-06-15$/;

export interface StsContext {
  readonly pool: WorkloadIdentityPool;
  readonly tokens: TokenRegistry;
  readonly now: () => number;
}

export function stsRoutes(context: StsContext): readonly EmulatorRoute[] {
  return [{ method: 'POST', path: '/v1/token', name: 'sts.token', kind: 'oauth', handler: (request) => exchangeToken(context, request) }];
}

async function exchangeToken(context: StsContext, request: EmulatorRequest): Promise<EmulatorResponse> {
  const form = formBody(request);
  if (form.get('grant_type') !== TOKEN_EXCHANGE)
    throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${form.get('grant_type') ?? ''}`);
  if (form.get('requested_token_type') !== ACCESS_TOKEN_TYPE)
    throw new OAuthError(400, 'invalid_request', 'Invalid value for "requested_token_type".');
  if (form.get('subject_token_type') !== AWS4_REQUEST)
    throw new OAuthError(400, 'invalid_request', 'Invalid value for "subject_token_type": the provider is an AWS provider.');
  const { pool } = context;
  if (form.get('audience') !== pool.audience) {
    throw new OAuthError(
      400,
      'invalid_target',
      'The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is ' +
        "disabled or deleted or because it doesn't exist.",
    );
  }
  const signed = parseSubjectToken(form.get('subject_token'));
  if (signed.headers.get('x-goog-cloud-target-resource') !== pool.audience) {
    throw new OAuthError(400, 'invalid_grant', 'The x-goog-cloud-target-resource header of the AWS request does not match the audience.');
  }
  const auth = parseAuthorization(signed.headers.get('authorization'));
  const identity = auth && pool.identity(auth.accessKeyId);
  if (!auth || !identity) throw awsRefusal('InvalidClientTokenId', 'The security token included in the request is invalid.');
  const signedAt = parseAmzDate(signed.headers.get('x-amz-date'));
  if (signedAt === undefined || Math.abs(context.now() - signedAt) > SIGNATURE_MAX_AGE_MS) {
    throw awsRefusal('SignatureDoesNotMatch', 'Signature expired: the request was signed more than 15 minutes from now.');
  }
  if (signed.headers.get('x-amz-security-token') !== identity.sessionToken)
    throw awsRefusal('InvalidClientTokenId', 'The security token included in the request is invalid.');
  if (!(await signatureMatches(signed, auth, identity, signedAt))) {
    throw awsRefusal('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  // Google's default AWS mapping: google.subject=assertion.arn, attribute.aws_role=the role ARN; then the condition.
  const principal = { subject: identity.arn, awsRole: awsRoleOf(identity.arn), expiresAt: context.now() + FEDERATED_TOKEN_SECONDS * 1000 };
  if (!pool.admits(principal.awsRole))
    throw new OAuthError(400, 'unauthorized_client', 'The given credential is rejected by the attribute condition.');
  const token = context.tokens.mint('access');
  pool.remember(token, principal);
  return json(200, {
    access_token: token,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: FEDERATED_TOKEN_SECONDS,
  });
}

/** `encodeURIComponent(JSON.stringify({ url, method, headers: [{ key, value }] }))`. */
function parseSubjectToken(token: string | null): { url: URL; method: string; headers: Map<string, string> } {
  const malformed = new OAuthError(400, 'invalid_grant', 'The AWS subject token is not a serialized, signed GetCallerIdentity request.');
  let parsed: { url?: unknown; method?: unknown; headers?: unknown };
  try {
    parsed = JSON.parse(decodeURIComponent(token ?? '')) as typeof parsed;
  } catch {
    throw malformed;
  }
  if (typeof parsed.url !== 'string' || !GET_CALLER_IDENTITY.test(parsed.url) || parsed.method !== 'POST' || !Array.isArray(parsed.headers))
    throw malformed;
  const headers = new Map<string, string>();
  for (const header of parsed.headers as Array<{ key?: unknown; value?: unknown }>) {
    if (typeof header.key !== 'string' || typeof header.value !== 'string') throw malformed;
    headers.set(header.key.toLowerCase(), header.value);
  }
  return { url: new URL(parsed.url), method: parsed.method, headers };
}

/** Where Google relays AWS's refusal of the GetCallerIdentity request. */
function awsRefusal(code: string, message: string): OAuthError {
  return new OAuthError(400, 'invalid_grant', `Received invalid AWS response of type ${code} with error message: ${message}`);
}
