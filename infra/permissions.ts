/**
 * What each function's role may do, by function name: the single place that says which function
 * reads which secret and how it uses the table. A catalog entry without a profile stops synth
 * (no function gets permissions by guesswork).
 */
export type SecretName = 'sessionKeys' | 'serviceAccountKey' | 'googleClientSecret';

/** `readWrite` covers items (get, query, put, update, delete, batches, conditions); never Scan, never table management. */
export type TableAccess = 'read' | 'readWrite';

export interface PermissionProfile {
  readonly table: TableAccess;
  readonly secrets: readonly SecretName[];
  /** May invoke the sync function (an admin's "run now"); it gets SYNC_FUNCTION_NAME. */
  readonly invokesSync?: boolean;
  /** Reads the directory API's settings (admin group, enabled integrations); it gets them (config.ts, apiSettingsEnvironment). */
  readonly readsApiSettings?: boolean;
}

export const HTTP_FUNCTION_PERMISSIONS: Readonly<Record<string, PermissionProfile>> = {
  // Starts sign-in: seals the transaction (state, nonce, PKCE verifier) with the key ring.
  'auth-login': { table: 'readWrite', secrets: ['sessionKeys'] },
  // Finishes sign-in: exchanges the code with the client secret, creates the session.
  'auth-callback': { table: 'readWrite', secrets: ['sessionKeys', 'googleClientSecret'] },
  // Reads and ends sessions.
  'auth-session': { table: 'readWrite', secrets: ['sessionKeys'] },
  // Every /api/* route: checks the session, reads and writes the directory and access data, signs
  // list cursors with the key ring, and starts a sync run when an admin asks.
  api: { table: 'readWrite', secrets: ['sessionKeys'], invokesSync: true, readsApiSettings: true },
};

/** The scheduled directory sync: the only reader of the service-account key. */
export const SYNC_PERMISSIONS: PermissionProfile = { table: 'readWrite', secrets: ['serviceAccountKey'] };

export const TABLE_ACTIONS: Readonly<Record<TableAccess, readonly string[]>> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  readWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
};

export function permissionsFor(functionName: string): PermissionProfile {
  const profile = HTTP_FUNCTION_PERMISSIONS[functionName];
  if (!profile) {
    throw new Error(`Function "${functionName}" from functions/catalog.ts has no permission profile: add it to HTTP_FUNCTION_PERMISSIONS in infra/permissions.ts.`);
  }
  return profile;
}
