import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin_directory_v1 } from '@googleapis/admin';
import type { GaxiosError } from 'gaxios';
import { delegatedJwtClient, parseServiceAccountKey } from '../../shared/adapters/google/service-account-client.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES } from '../../local/emulator/directory/scopes.js';

/**
 * The Google emulator on a free port with a throw-away state directory. Small by default but past
 * every page size: 600 users (users.list pages beyond 500), 250 groups (groups.list beyond 200),
 * and all-staff@ with more than 200 members.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-emulator-'));
  return startEmulator({ port: 0, seed: 'test', users: 600, groups: 250, stateDirectory, ...options });
}

/**
 * A delegated google-auth-library JWT client from the key file the emulator wrote, exactly as
 * directory sync builds it (shared/adapters/google/service-account-client.ts honours the key's token_uri).
 */
export async function delegatedAuth(emulator: Emulator, options: { scopes?: readonly string[]; subject?: string } = {}) {
  const key = parseServiceAccountKey(await readFile(emulator.serviceAccountKeyPath, 'utf8'));
  return delegatedJwtClient(key, {
    scopes: options.scopes ?? DIRECTORY_READONLY_SCOPES,
    subject: options.subject ?? emulator.directory.admin.primaryEmail,
  });
}

/** Google's own Directory API client, pointed at the emulator with `rootUrl`. */
export async function directoryClient(emulator: Emulator, options: { scopes?: readonly string[]; subject?: string } = {}) {
  return new admin_directory_v1.Admin({ auth: await delegatedAuth(emulator, options), rootUrl: `${emulator.origin}/`, retry: false });
}

/** The ErrorInfo in the details of the Directory API's 403 for a scope the token lacks (what Google's clients branch on). */
export const SCOPE_INSUFFICIENT_INFO = {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
  reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
  domain: 'googleapis.com',
  metadata: { service: 'admin.googleapis.com' },
};

/** The error a call through Google's client ends with; fails the test when the call succeeds. */
export async function googleFailure(call: Promise<unknown>): Promise<GaxiosError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e as GaxiosError,
  );
  if (!error) throw new Error('expected the call to fail');
  return error;
}
