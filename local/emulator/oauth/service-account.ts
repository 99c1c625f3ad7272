/**
 * The tenant's service account: its key file in Google's shape (written where the local secret
 * store reads it), and the domain-wide delegation grant — which scopes the Workspace admin console
 * authorised for its client id. The grant can be changed to simulate a misconfigured tenant.
 */
import { createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LOCAL_DEFAULTS } from '../../../shared/config/config.js';
import { randomGoogleId } from '../seed/random.js';

/** The JSON Google's console downloads for a service-account key. */
export interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly project_id: string;
  readonly private_key_id: string;
  readonly private_key: string;
  readonly client_email: string;
  readonly client_id: string;
  readonly auth_uri: string;
  readonly token_uri: string;
  readonly auth_provider_x509_cert_url: string;
  readonly client_x509_cert_url: string;
  readonly universe_domain: string;
}

const PROJECT_ID = 'workspace-bridge-local';
export const SERVICE_ACCOUNT_EMAIL = LOCAL_DEFAULTS.googleServiceAccount;

export function serviceAccountKeyPath(stateDirectory: string): string {
  return join(stateDirectory, 'google', 'service-account.json');
}

export interface ServiceAccount {
  readonly key: ServiceAccountKey;
  readonly publicKey: KeyObject;
}

/**
 * The tenant's key, created once: the first emulator writes the key file; every later one (a
 * restart, or `npm run emulator` beside `npm start`) reuses its key pair and client id and leaves
 * the file alone, so what the local secret store read stays valid. The file's token_uri names the
 * emulator that wrote it; local runs send the token request to the emulator they call
 * (local/local-dependencies.ts), so one file serves an emulator on any port. Keyless
 * (`writeKey: false`) no file is read or written: the key pair lives in memory only (Google holds
 * it, signJwt uses it).
 */
export async function provisionServiceAccount(stateDirectory: string, origin: string, { writeKey = true } = {}): Promise<ServiceAccount> {
  const path = serviceAccountKeyPath(stateDirectory);
  const created = forOrigin(
    { private_key: await newPrivateKey(), private_key_id: randomBytes(20).toString('hex'), client_id: randomGoogleId() },
    origin,
  );
  if (!writeKey) return { key: created, publicKey: createPublicKey(created.private_key) };
  const existing = await readExisting(path);
  if (existing) return { key: forOrigin(existing, origin), publicKey: createPublicKey(existing.private_key) };
  await mkdir(dirname(path), { recursive: true });
  const written = await writeFile(path, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
      return false; // another emulator created it at the same moment: use theirs
    },
  );
  if (!written) return provisionServiceAccount(stateDirectory, origin, { writeKey });
  return { key: created, publicKey: createPublicKey(created.private_key) };
}

/** The key in Google's shape with this emulator's endpoints. */
function forOrigin(identity: Pick<ServiceAccountKey, 'private_key' | 'private_key_id' | 'client_id'>, origin: string): ServiceAccountKey {
  return {
    type: 'service_account',
    project_id: PROJECT_ID,
    private_key_id: identity.private_key_id,
    private_key: identity.private_key,
    client_email: SERVICE_ACCOUNT_EMAIL,
    client_id: identity.client_id,
    auth_uri: `${origin}/o/oauth2/auth`,
    token_uri: `${origin}/token`,
    auth_provider_x509_cert_url: `${origin}/oauth2/v1/certs`,
    client_x509_cert_url: `${origin}/robot/v1/metadata/x509/${encodeURIComponent(SERVICE_ACCOUNT_EMAIL)}`,
    universe_domain: 'googleapis.com',
  };
}

async function readExisting(path: string): Promise<ServiceAccountKey | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<ServiceAccountKey>;
    if (parsed.client_email !== SERVICE_ACCOUNT_EMAIL || !parsed.private_key || !parsed.client_id || !parsed.private_key_id)
      return undefined;
    createPublicKey(parsed.private_key);
    return parsed as ServiceAccountKey;
  } catch {
    return undefined;
  }
}

async function newPrivateKey(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return privateKey;
}

/** Domain-wide delegation: client id → the scopes the admin console lists for it. */
export class DelegationGrants {
  private readonly grants = new Map<string, ReadonlySet<string>>();

  set(clientId: string, scopes: readonly string[]): void {
    this.grants.set(clientId, new Set(scopes));
  }

  scopes(clientId: string): readonly string[] {
    return [...(this.grants.get(clientId) ?? [])];
  }

  allows(clientId: string, scopes: readonly string[]): boolean {
    const granted = this.grants.get(clientId);
    return granted !== undefined && scopes.every((s) => granted.has(s));
  }
}
