import { JWT } from 'google-auth-library';

/**
 * A service-account key file as Google issues it (the fields the JWT bearer grant needs), and a
 * domain-wide-delegation JWT client that honours the key's `token_uri`.
 */
export interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly client_email: string;
  readonly client_id: string;
  readonly private_key: string;
  readonly private_key_id: string;
  readonly token_uri: string;
}

/** The token endpoint google-auth-library posts to, whatever the key file says. */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export class ServiceAccountKeyError extends Error {
  override name = 'ServiceAccountKeyError';
}

/** Parses and validates a key file's JSON; the message names the first missing or bad field, never a value. */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new ServiceAccountKeyError('The service-account key is not JSON: store the key file Google generated, unchanged.');
  }
  if (typeof value !== 'object' || value === null) throw new ServiceAccountKeyError('The service-account key is not a JSON object.');
  const key = value as Record<string, unknown>;
  if (key.type !== 'service_account') throw new ServiceAccountKeyError('The service-account key has type other than "service_account".');
  for (const field of ['client_email', 'client_id', 'private_key', 'private_key_id', 'token_uri'] as const) {
    if (typeof key[field] !== 'string' || key[field] === '') throw new ServiceAccountKeyError(`The service-account key lacks "${field}".`);
  }
  if (!String(key.private_key).includes('PRIVATE KEY-----')) throw new ServiceAccountKeyError('The service-account key\'s "private_key" is not a PEM private key.');
  if (!/^https?:\/\//.test(String(key.token_uri))) throw new ServiceAccountKeyError('The service-account key\'s "token_uri" is not an http(s) URL.');
  return key as unknown as ServiceAccountKey;
}

export interface DelegatedJwtOptions {
  readonly key: ServiceAccountKey;
  /** The Workspace user to impersonate (domain-wide delegation). */
  readonly subject: string;
  readonly scopes: readonly string[];
}

/**
 * google-auth-library's JWT client, impersonating `subject`. The library hard-codes Google's token
 * endpoint; a gaxios adapter sends that one request to the key's `token_uri` instead (the same URL
 * in production, the emulator locally). API requests pass through untouched.
 */
export function createDelegatedJwt({ key, subject, scopes }: DelegatedJwtOptions): JWT {
  const tokenUri = key.token_uri;
  return new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    subject,
    scopes: [...scopes],
    transporterOptions: {
      adapter: (options, defaultAdapter) =>
        defaultAdapter(String(options.url) === GOOGLE_TOKEN_URL && tokenUri !== GOOGLE_TOKEN_URL ? { ...options, url: new URL(tokenUri) } : options),
    },
  });
}
