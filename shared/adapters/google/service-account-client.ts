/**
 * A google-auth-library JWT client for a service account with domain-wide delegation that sends
 * its token request to the key file's `token_uri`. google-auth-library signs the assertion for
 * and posts it to https://oauth2.googleapis.com/token whatever the key says; a request interceptor
 * on the client's own transporter moves only that one request, so the same code reaches Google in
 * production and the local emulator (token_uri `http://localhost:4000/token`) in development.
 */
import { JWT } from 'google-auth-library';
import { cachedPerScopeSet, type DelegatedTokenSource } from './delegated-token.js';

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The members of Google's service-account key JSON this client needs. */
export interface ServiceAccountKeyJson {
  readonly type?: string;
  readonly client_email: string;
  /** The OAuth client id that domain-wide delegation is granted to (named by sync's preflight). */
  readonly client_id?: string;
  readonly private_key: string;
  readonly private_key_id?: string;
  readonly token_uri?: string;
}

export interface DelegationOptions {
  readonly scopes: readonly string[];
  /** The Workspace user to impersonate (an admin for the Directory API). */
  readonly subject: string;
}

export class ServiceAccountKeyError extends Error {
  override name = 'ServiceAccountKeyError';
}

/** Parses and checks a key JSON: a service account, with a private key and an https (or loopback) token_uri. */
export function parseServiceAccountKey(text: string): ServiceAccountKeyJson {
  let parsed: Partial<ServiceAccountKeyJson>;
  try {
    parsed = JSON.parse(text) as Partial<ServiceAccountKeyJson>;
  } catch {
    throw new ServiceAccountKeyError('The service-account key is not valid JSON.');
  }
  if (parsed.type !== 'service_account')
    throw new ServiceAccountKeyError('The key is not a service-account key (type must be "service_account").');
  if (typeof parsed.client_email !== 'string' || !parsed.client_email.includes('@'))
    throw new ServiceAccountKeyError('The service-account key has no client_email.');
  if (typeof parsed.private_key !== 'string' || !parsed.private_key.includes('PRIVATE KEY'))
    throw new ServiceAccountKeyError('The service-account key has no private_key.');
  if (parsed.token_uri !== undefined) tokenUrl(parsed.token_uri);
  return parsed as ServiceAccountKeyJson;
}

export function delegatedJwtClient(key: ServiceAccountKeyJson, options: DelegationOptions): JWT {
  const client = new JWT({
    email: key.client_email,
    key: key.private_key,
    ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
    scopes: [...options.scopes],
    subject: options.subject,
  });
  const target = key.token_uri ? tokenUrl(key.token_uri) : undefined;
  if (target && target.href !== GOOGLE_TOKEN_URL) {
    client.transporter.interceptors.request.add({
      resolved: async (request) => {
        if (request.url.href === GOOGLE_TOKEN_URL) request.url = new URL(target);
        return request;
      },
    });
  }
  return client;
}

/** The key-based DelegatedTokenSource: google-auth-library's JWT-bearer grant, signed with the key. */
export function keyTokenSource(key: ServiceAccountKeyJson, subject: string): DelegatedTokenSource {
  return {
    delegationClient: `client id ${key.client_id ?? '(see the key file)'}`,
    token: cachedPerScopeSet(async (scopes) => {
      const credentials = await delegatedJwtClient(key, { subject, scopes }).authorize();
      if (!credentials.access_token) throw new Error('Google answered the JWT-bearer grant without an access token.');
      return { accessToken: credentials.access_token, expiresAt: credentials.expiry_date ?? Date.now() + 3_600_000 };
    }),
    verify: async () => [
      { name: 'service-account key', ok: true, detail: `${key.client_email} (client id ${key.client_id ?? 'unknown'})` },
    ],
  };
}

/** Only https, or plain http to the loopback interface (the local emulator), may receive a signed assertion. */
function tokenUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ServiceAccountKeyError('The service-account key has an invalid token_uri.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackUrl(url))) {
    throw new ServiceAccountKeyError('The service-account key token_uri must be https (or http to localhost).');
  }
  return url;
}

/** Whether a URL points at this machine's loopback interface (the local emulator), by its host name. */
export function isLoopbackUrl(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}
