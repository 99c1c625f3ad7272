/**
 * Each refusal Google gives directory sync, as the emulator answers it through Google's own client
 * libraries, is reported for what it is, with the fix (shared/adapters/google/google-calls.ts explainFailure).
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { admin_directory_v1 } from '@googleapis/admin';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Emulator } from '../../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { delegatedJwtClient, parseServiceAccountKey } from '../../shared/adapters/google/service-account-client.js';
import { describeGoogleFailure, explainFailure, type SyncError } from '../../shared/adapters/google/google-calls.js';
import { directoryClient, SCOPE_INSUFFICIENT_INFO, startTestEmulator } from '../support/emulator.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startTestEmulator({ users: 20, groups: 2 });
});
afterAll(() => emulator.stop());
beforeEach(() => emulator.setDelegatedScopes(DIRECTORY_READONLY_SCOPES));

const USERS_SCOPE = 'https://www.googleapis.com/auth/admin.directory.user.readonly';

async function explained(call: () => Promise<unknown>, subject = 'sync-subject'): Promise<{ error: SyncError; raw: unknown }> {
  const raw = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(raw).toBeDefined();
  return { error: explainFailure(describeGoogleFailure(raw, Date.now()), 'users.list', subject), raw };
}

/** Google's Directory client with a bare access token the emulator issued (or made up). */
function clientWithToken(token: string) {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return new admin_directory_v1.Admin({ auth, rootUrl: `${emulator.origin}/`, retry: false });
}

const listUsers = (admin: admin_directory_v1.Admin) => () => admin.users.list({ customer: 'my_customer', viewType: 'admin_view' });

describe('Google refusals are named for what they are', () => {
  it('unauthorized_client: delegation not granted for the client id', async () => {
    emulator.setDelegatedScopes([]);
    const { error } = await explained(listUsers(await directoryClient(emulator)));
    expect(error.code).toBe('scope-not-delegated');
    expect(error.message).toMatch(/unauthorized_client.*domain-wide delegation is not granted/);
  });

  it('invalid_grant for an unknown subject: GOOGLE_ADMIN_SUBJECT is not a user', async () => {
    const subject = `nobody@${emulator.directory.admin.primaryEmail.split('@')[1]}`;
    const { error } = await explained(listUsers(await directoryClient(emulator, { subject })), subject);
    expect(error.code).toBe('subject-rejected');
    expect(error.message).toMatch(/Invalid email or User ID.*GOOGLE_ADMIN_SUBJECT/);
  });

  it('invalid_grant for a signature by another key: the key was deleted or replaced', async () => {
    const key = parseServiceAccountKey(await readFile(emulator.serviceAccountKeyPath, 'utf8'));
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwt = delegatedJwtClient(
      { ...key, private_key: other },
      { scopes: DIRECTORY_READONLY_SCOPES, subject: emulator.directory.admin.primaryEmail },
    );
    const admin = new admin_directory_v1.Admin({ auth: jwt, rootUrl: `${emulator.origin}/`, retry: false });
    const { error } = await explained(listUsers(admin));
    expect(error.code).toBe('key-rejected');
    expect(error.message).toMatch(/Invalid JWT Signature.*deleted or disabled/);
  });

  it('401 from the API: a token this Google did not issue, not "the subject is not an admin"', async () => {
    const { error, raw } = await explained(listUsers(clientWithToken('ya29.issued-by-another-emulator')));
    expect(error.code).toBe('token-rejected');
    expect(error.message).toMatch(/401.*another token endpoint.*GOOGLE_EMULATOR_PORT/);
    expect((raw as { response: { headers: Headers } }).response.headers.get('www-authenticate')).toMatch(
      /^Bearer realm="https:\/\/accounts\.google\.com\/"/,
    );
  });

  it('403 ACCESS_TOKEN_SCOPE_INSUFFICIENT: the scope is not granted', async () => {
    const admin = emulator.directory.admin;
    const { token } = emulator.context.tokens.issueAccess({
      clientId: emulator.serviceAccountKey.client_id,
      scopes: ['https://www.googleapis.com/auth/admin.directory.group.readonly'],
      email: admin.primaryEmail,
      userId: admin.id,
    });
    const { error, raw } = await explained(listUsers(clientWithToken(token)));
    expect((raw as { response: { data: unknown } }).response.data).toMatchObject({
      error: {
        code: 403,
        status: 'PERMISSION_DENIED',
        details: [SCOPE_INSUFFICIENT_INFO],
      },
    });
    expect(error.code).toBe('scope-not-delegated');
  });

  it('403 Not Authorized: the subject is not an admin', async () => {
    const employee = emulator.directory.users.find((u) => !u.isAdmin && !u.suspended && !u.deletionTime)!;
    const { token } = emulator.context.tokens.issueAccess({
      clientId: emulator.serviceAccountKey.client_id,
      scopes: [USERS_SCOPE],
      email: employee.primaryEmail,
      userId: employee.id,
    });
    const { error } = await explained(listUsers(clientWithToken(token)), employee.primaryEmail);
    expect(error.code).toBe('subject-not-admin');
    expect(error.message).toMatch(/Not Authorized to access this resource\/api.*must be an admin/);
  });
});
