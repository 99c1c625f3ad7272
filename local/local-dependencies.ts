import { join } from 'node:path';
import { LOCAL_DEFAULTS, type Config } from '../shared/config/config.js';
import { createDocumentClient } from '../shared/db/client.js';
import type { Dependencies } from '../shared/runtime/dependencies.js';
import { rotate } from '../shared/secrets/key-ring.js';
import { LocalSecretStore } from './secrets/local-secret-store.js';
import { createInProcessChangeQueue, type InProcessChangeQueue } from './push-in-process.js';
import { createLocalSyncRunner, startSyncForAdmin, type LocalSyncRunner } from './sync-in-process.js';

/** Where `npm start` keeps state between runs. */
export const LOCAL_STATE_DIR = '.local';

export interface LocalDependencies extends Dependencies {
  /** The in-process directory sync the schedule and the admin's "run now" share. */
  readonly syncRunner: LocalSyncRunner;
  /** The push receiver's queue and worker, in process. */
  readonly pushQueue: InProcessChangeQueue;
}

/** The adapters a local run gives the handlers: DynamoDB Local, secrets as files under `.local/`, sync in process. */
export function localDependencies(config: Config, stateDirectory = LOCAL_STATE_DIR): LocalDependencies {
  const secrets = new LocalSecretStore(join(stateDirectory, 'secrets'), {
    [config.secretNames.sessionKeys]: { generate: () => JSON.stringify(rotate(undefined)) },
    [config.secretNames.googleClientSecret]: { generate: () => config.googleClientSecret ?? LOCAL_DEFAULTS.googleClientSecret },
    [config.secretNames.serviceAccountKey]: {
      file: join(stateDirectory, 'google', 'service-account.json'),
      hint: 'the Google emulator writes it at start (npm start or npm run emulator).',
    },
  });
  const base: Dependencies = { config, db: createDocumentClient({ endpoint: config.dynamodbEndpoint }), secrets };
  const syncRunner = createLocalSyncRunner(() => base);
  return { ...base, syncRunner, startSyncInProcess: startSyncForAdmin(syncRunner), pushQueue: createInProcessChangeQueue(() => base) };
}
