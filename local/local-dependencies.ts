import { join } from 'node:path';
import { LOCAL_DEFAULTS, type Config } from '../shared/config/config.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import type { Dependencies } from '../shared/runtime/dependencies.js';
import { rotate } from '../shared/adapters/secrets/key-ring.js';
import { LocalSecretStore } from './secrets/local-secret-store.js';
import { LOCAL_AWS_IDENTITIES } from './emulator/sts/local-aws.js';
import { createInProcessChangeQueue, type InProcessChangeQueue } from './push-in-process.js';
import { createLocalSyncRunner, fetchUserInBackground, startSyncForAdmin, type LocalSyncRunner } from './sync-in-process.js';

/** Where `npm start` keeps state between runs. */
export const LOCAL_STATE_DIR = '.local';

export interface LocalDependencies extends Dependencies {
  /** The in-process directory sync the schedule and the admin's "run now" share. */
  readonly syncRunner: LocalSyncRunner;
  /** The push receiver's queue and worker, in process. */
  readonly pushQueue: InProcessChangeQueue;
}

/**
 * The adapters a local run gives the handlers: DynamoDB Local, secrets as files under `.local/`
 * (the service-account key only in key mode), sync in process, and in keyless mode the local
 * stand-in for the sync function's AWS role, which the emulator's Workload Identity provider admits.
 */
export function localDependencies(config: Config, stateDirectory = LOCAL_STATE_DIR): LocalDependencies {
  const credentials = config.googleCredentials;
  const secrets = new LocalSecretStore(join(stateDirectory, 'secrets'), {
    [config.secretNames.sessionKeys]: { generate: () => JSON.stringify(rotate(undefined)) },
    [config.secretNames.googleClientSecret]: { generate: () => config.googleClientSecret ?? LOCAL_DEFAULTS.googleClientSecret },
    ...(credentials.mode === 'service-account-key'
      ? {
          [credentials.secretName]: {
            file: serviceAccountKeyFile(stateDirectory),
            hint: 'the Google emulator writes it at start (npm start or npm run emulator).',
            adapt: (text: string) => withEmulatorTokenUri(text, config.googleApiRoot),
          },
        }
      : {}),
  });
  const { accessKeyId, secretAccessKey, sessionToken } = LOCAL_AWS_IDENTITIES.syncRole;
  const base: Dependencies = {
    config,
    db: createDocumentClient({ endpoint: config.dynamodbEndpoint }),
    secrets,
    ...(credentials.mode === 'workload-identity'
      ? { awsCredentials: async () => ({ accessKeyId, secretAccessKey, token: sessionToken }) }
      : {}),
  };
  const syncRunner = createLocalSyncRunner(() => base);
  return {
    ...base,
    syncRunner,
    startSyncInProcess: startSyncForAdmin(syncRunner),
    fetchUserInProcess: fetchUserInBackground(() => base),
    pushQueue: createInProcessChangeQueue(() => base),
  };
}

/**
 * The emulator's key file names the token endpoint of the emulator that first wrote it; a token
 * from another emulator is unknown to the one sync calls (401). Loopback token_uris therefore
 * follow GOOGLE_API_ROOT; a real Google key (https token_uri) is left as it is.
 */
/** Where the emulator writes its service-account key, under a local state directory (`.local`). */
export function serviceAccountKeyFile(stateDirectory: string): string {
  return join(stateDirectory, 'google', 'service-account.json');
}

/**
 * A local CLI beside `npm start` or `npm run emulator` talks to the emulator on the same
 * GOOGLE_EMULATOR_PORT setting, unless GOOGLE_API_ROOT says otherwise.
 */
export function useLocalEmulatorPort(env: NodeJS.ProcessEnv = process.env): void {
  if (env.GOOGLE_EMULATOR_PORT) env.GOOGLE_API_ROOT ||= `http://localhost:${env.GOOGLE_EMULATOR_PORT}/`;
}

export function withEmulatorTokenUri(keyText: string, apiRoot: string): string {
  let key: Record<string, unknown>;
  try {
    key = JSON.parse(keyText) as Record<string, unknown>;
  } catch {
    return keyText; // parseServiceAccountKey names the problem
  }
  const tokenUri = typeof key.token_uri === 'string' ? URL.parse(key.token_uri) : null;
  const root = URL.parse(apiRoot);
  if (!tokenUri || !root || tokenUri.protocol !== 'http:' || root.protocol !== 'http:') return keyText;
  return JSON.stringify({ ...key, token_uri: new URL('/token', root).href });
}
