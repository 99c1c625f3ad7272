import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { GOOGLE_ORIGINS, securityHeaders, type GoogleOrigins } from '../../shared/http/security-headers.js';
import { provideDependencies, type Dependencies } from '../../shared/runtime/dependencies.js';
import { createLocalHost } from '../../local/host/server.js';
import { localDependencies } from '../../local/local-dependencies.js';
import { freshTable, type TestTable } from './dynamodb.js';

export interface LocalApp {
  readonly origin: string;
  readonly deps: Dependencies;
  close(): Promise<void>;
}

/**
 * The local host on a free port with a fresh table and a throw-away .local directory: the same
 * server `npm start` runs, for tests (and benchmarks) that speak real HTTP. `options` share a table (and the
 * emulator's state directory, for its service-account key) with a sync harness; `googleOrigins` puts
 * the emulator in the CSP in place of Google's hosts, as `npm start` does (default: production's).
 */
export async function startLocalApp(
  env: Record<string, string> = {},
  options: { table?: TestTable; stateDirectory?: string; googleOrigins?: GoogleOrigins } = {},
): Promise<LocalApp> {
  const table = options.table ?? (await freshTable());
  const stateDirectory = options.stateDirectory ?? (await mkdtemp(join(tmpdir(), 'wb-local-')));
  const root = resolve(import.meta.dirname, '../..');
  const server = createLocalHost({
    root,
    webRoot: join(root, 'web', 'dist'),
    securityHeaders: securityHeaders(options.googleOrigins ?? GOOGLE_ORIGINS),
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: Config = loadConfig({
    RUNTIME_MODE: 'local',
    APP_ORIGIN: origin,
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    ...env,
  });
  const deps = localDependencies(config, stateDirectory);
  provideDependencies(deps);
  return {
    origin,
    deps,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
