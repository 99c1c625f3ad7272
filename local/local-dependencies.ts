import { join } from 'node:path';
import { LOCAL_DEFAULTS, type Config } from '../shared/config/config.js';
import { createDocumentClient } from '../shared/db/client.js';
import type { Dependencies } from '../shared/runtime/dependencies.js';
import { rotate } from '../shared/secrets/key-ring.js';
import { LocalSecretStore } from './secrets/local-secret-store.js';

/** Where `npm start` keeps state between runs. */
export const LOCAL_STATE_DIR = '.local';

/** The adapters a local run gives the handlers: DynamoDB Local and secrets as files under `.local/`. */
export function localDependencies(config: Config, stateDirectory = LOCAL_STATE_DIR): Dependencies {
  const secrets = new LocalSecretStore(join(stateDirectory, 'secrets'), {
    [config.secretNames.sessionKeys]: { generate: () => JSON.stringify(rotate(undefined)) },
    [config.secretNames.googleClientSecret]: { generate: () => config.googleClientSecret ?? LOCAL_DEFAULTS.googleClientSecret },
    [config.secretNames.serviceAccountKey]: {
      file: join(stateDirectory, 'google', 'service-account.json'),
      hint: 'the Google emulator writes it at start (npm start or npm run emulator).',
    },
  });
  return { config, db: createDocumentClient({ endpoint: config.dynamodbEndpoint }), secrets };
}
