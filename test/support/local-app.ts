import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig, type Config } from '../../shared/config/config.js';
import { securityHeaders } from '../../shared/http/security-headers.js';
import { provideDependencies, type Dependencies } from '../../shared/runtime/dependencies.js';
import { localGoogleOrigins } from '../../local/host/google-origins.js';
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
 * server `npm start` runs, for tests that speak real HTTP (and benchmarks, which bring their own table).
 */
export async function startLocalApp(env: Record<string, string> = {}, table?: TestTable): Promise<LocalApp> {
  table ??= await freshTable();
  const stateDirectory = await mkdtemp(join(tmpdir(), 'wb-local-'));
  const root = resolve(import.meta.dirname, '../..');
  // The same headers `npm start` sends: the CSP names the emulator (OIDC_ISSUER) the test points at.
  const { oidcIssuer } = loadConfig({ RUNTIME_MODE: 'local', ...env });
  const server = createLocalHost({ root, webRoot: join(root, 'web', 'dist'), securityHeaders: securityHeaders(localGoogleOrigins(oidcIssuer)) });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: Config = loadConfig({
    RUNTIME_MODE: 'local', APP_ORIGIN: origin, TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint, ...env,
  });
  const deps = localDependencies(config, stateDirectory);
  provideDependencies(deps);
  return {
    origin,
    deps,
    close: () => new Promise<void>((ok) => { server.close(() => ok()); server.closeAllConnections(); }),
  };
}
