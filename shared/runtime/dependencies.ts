import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config, detectMode, type Config } from '../config/config.js';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { AwsSecretStore } from '../adapters/secrets/aws-secret-store.js';
import type { SecretStore } from '../adapters/secrets/secret-store.js';
import type { AwsCredentialsProvider } from '../adapters/google/workload-identity.js';
import type { ChangeQueue } from '../domain/push/changes.js';

/**
 * The adapters a function needs, built once per process (per warm Lambda). In AWS they come from
 * configuration; the local host and tests provide their own (local secret files, a test table)
 * through `provideDependencies` before the first request, so handlers run unchanged.
 */
export interface Dependencies {
  readonly config: Config;
  readonly db: DynamoDBDocumentClient;
  readonly secrets: SecretStore;
  /**
   * Local only: where no sync Lambda exists to invoke, the local host runs an admin's "run now" in
   * its own process (one run at a time, shared with its schedule). Deployed functions never carry it,
   * so the API bundle does not ship the sync and Google's clients.
   */
  readonly startSyncInProcess?: (force: boolean) => Promise<void>;
  /** Local only, likewise: sign-in's request to fetch one new person from Google, run in the background. */
  readonly fetchUserInProcess?: (userId: string) => void;
  /**
   * The AWS identity keyless Google access (GOOGLE_CREDENTIALS=workload-identity) signs with. Unset
   * in AWS, where it is the function's execution role from the environment; the local stack gives
   * the local credentials the emulator's Workload Identity provider knows.
   */
  readonly awsCredentials?: AwsCredentialsProvider;
  /**
   * Where the push receiver hands verified changes: the local host's in-process worker; in AWS the
   * receiver route builds the SQS one (shared/routes/push.ts).
   */
  readonly pushQueue?: ChangeQueue;
}

let current: Dependencies | undefined;

export function dependencies(): Dependencies {
  if (!current) {
    const cfg = config();
    if (cfg.mode === 'local') {
      throw new Error('Local mode needs dependencies provided by the local host (npm start) or the test setup.');
    }
    current = { config: cfg, db: createDocumentClient({ endpoint: cfg.dynamodbEndpoint }), secrets: new AwsSecretStore() };
  }
  return current;
}

/**
 * Called by every Lambda entry point at module load, so in AWS the configuration is read and
 * validated (and the clients built) in the init phase: a missing or invalid key fails the cold
 * start with the ConfigError whose one line names it, instead of the first request. The local host
 * and tests import the same modules in mode `local` and provide their own dependencies, before or
 * after the import, so there it does nothing.
 */
export function initDependencies(): void {
  if (detectMode(process.env) === 'aws') dependencies();
}

/**
 * What an HTTP entry point hands its routes, called once at module load. In AWS the dependencies are
 * built there, in the init phase, and every request gets the same ones; locally each request asks
 * for the ones the local host or test provided, which may change between requests.
 */
export function routeContext(): () => { readonly deps: Dependencies } {
  if (detectMode(process.env) === 'aws') {
    const context = { deps: dependencies() };
    return () => context;
  }
  return () => ({ deps: dependencies() });
}

export function provideDependencies(deps: Dependencies): void {
  current = deps;
}
