/**
 * `npm start`: the whole product on one machine. Starts DynamoDB Local (data kept under .local/)
 * and the Google emulator (GOOGLE_EMULATOR_PORT, default 4000; it writes the service-account key
 * under .local/google/, except with GOOGLE_CREDENTIALS=workload-identity, where the sync signs in
 * keyless as the local stand-in for its AWS role), creates the table, builds the web client, and
 * serves it with the Lambda handlers on PORT.
 * Ctrl-C or SIGTERM stops everything it started, Java included.
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { ConfigError, LOCAL_DEFAULTS, loadConfig } from '../shared/config/config.js';
import { createDynamoClient } from '../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../shared/adapters/dynamodb/create-table.js';
import { securityHeaders } from '../shared/http/security-headers.js';
import { provideDependencies } from '../shared/runtime/dependencies.js';
import { listenLocal, localBindAddress, PortInUseError, requireFreePort } from './bind-address.js';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb/dynamodb-local.js';
import { localGoogleOrigins } from './host/google-origins.js';
import { describeEmulator } from './emulator/describe.js';
import { startEmulator } from './emulator/emulator.js';
import { emulatorOptionsFromEnv } from './emulator/env.js';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from './emulator/directory/scopes.js';
import { REPORTS_AUDIT_SCOPE } from './emulator/push/routes.js';
import { createLocalHost } from './host/server.js';
import { LOCAL_STATE_DIR, localDependencies } from './local-dependencies.js';
import { scheduleLocalPush } from './push-schedule.js';
import { scheduleLocalSync } from './sync-schedule.js';

const root = resolve(import.meta.dirname, '..');
const stoppers: Array<() => Promise<void>> = [];
let stopping = false;

async function main(): Promise<void> {
  process.env.RUNTIME_MODE ??= 'local';
  loadConfig(); // fail on a bad key before starting anything
  const emulatorOptions = emulatorOptionsFromEnv();
  const bindAddress = localBindAddress();
  const dbPort = Number(process.env.DYNAMODB_LOCAL_PORT ?? 8000);
  let dynamo: DynamoDbLocal | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    await requireFreePort(dbPort, 'DYNAMODB_LOCAL_PORT', bindAddress);
    await mkdir(join(root, LOCAL_STATE_DIR, 'dynamodb'), { recursive: true });
    dynamo = await startDynamoDbLocal({ port: dbPort, host: bindAddress, dataDirectory: join(root, LOCAL_STATE_DIR, 'dynamodb') });
    stoppers.push(() => dynamo!.stop());
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  }
  // The emulator before the app's dependencies: the local secret store reads the key file it writes.
  const emulator = await startEmulator({ ...emulatorOptions, stateDirectory: join(root, LOCAL_STATE_DIR) });
  stoppers.push(() => emulator.stop());
  process.env.OIDC_ISSUER ??= emulator.issuer;
  process.env.GOOGLE_API_ROOT ??= `${emulator.origin}/`;
  const config = loadConfig();
  emulator.registerClient({
    clientId: config.googleClientId,
    clientSecret: config.googleClientSecret ?? LOCAL_DEFAULTS.googleClientSecret,
    redirectUris: [`${config.appOrigin}/auth/callback`],
    javascriptOrigins: [config.appOrigin],
  });
  const deps = localDependencies(config, join(root, LOCAL_STATE_DIR));
  await ensureTable(createDynamoClient({ endpoint: config.dynamodbEndpoint }), config.tableName);
  provideDependencies(deps);

  await build({ root: join(root, 'web'), logLevel: 'warn' });

  const host: Server = createLocalHost({
    root,
    webRoot: join(root, 'web', 'dist'),
    securityHeaders: securityHeaders(localGoogleOrigins(config.oidcIssuer)),
  });
  await listenLocal(host, config.port, 'PORT', bindAddress);
  stoppers.push(
    () =>
      new Promise<void>((ok) => {
        host.close(() => ok());
        host.closeAllConnections();
      }),
  );

  const lines = [
    `Workspace Bridge is running locally on Node ${process.version}:`,
    `  intranet        ${config.appOrigin}`,
    `  health          ${config.appOrigin}/api/health`,
    `  DynamoDB Local  ${config.dynamodbEndpoint}${dynamo ? ' (data in .local/dynamodb)' : ' (external)'}`,
    `  directory sync  at start and on ${config.syncSchedule} (npm run sync for a run now)`,
    `  push            ${config.push.enabled ? `channels to ${config.push.receiverUrl} (docs/sync.md: try it locally)` : 'off (PUSH_ENABLED=false)'}`,
    ...describeEmulator(emulator),
    'Press Ctrl-C to stop.',
  ];
  console.log(lines.join('\n'));
  // Directory sync needs the emulator (key file, Directory API): start it after everything else is up.
  const stopSync = scheduleLocalSync(deps.syncRunner, config.syncSchedule);
  stoppers.push(async () => stopSync());
  if (config.push.enabled) {
    // An admin's tools write through the emulator's Directory API: grant the read-write scopes too.
    emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, REPORTS_AUDIT_SCOPE, DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group]);
    const stopPush = await scheduleLocalPush(deps);
    stoppers.push(async () => stopPush());
  }
}

async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => console.error(String(error)));
  process.exit(0);
}

process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof PortInUseError ? error.message : error);
  for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
  process.exit(1);
});
