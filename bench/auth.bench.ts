/**
 * `npm run bench -- auth`: Sign in with Google's server-side costs, against targets.
 *  - callback time on our side (p50, p99): GET /auth/callback run in-process against an in-process
 *    provider, minus the time spent waiting for the provider's HTTP answers (discovery, JWKS, token);
 *  - session check per API request (p50): signedInSession, i.e. one DynamoDB Local read;
 *  - each auth function's bundle (esbuild as infra/app-function.ts: node, esm, minify, the runtime's target) and its cold import time in
 *    a fresh Node process.
 * Targets: callback < 10 ms p50, bundles < 250 KB minified, cold import < 150 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { FUNCTION_BUNDLE_ALIAS, FUNCTION_BUNDLE_MAIN_FIELDS, functionBundleDefine } from '../functions/bundling.js';
import { NODE_RUNTIME } from '../infra/app-function.js';
import { completeLogin } from '../shared/services/sign-in/callback.js';
import { SESSION_COOKIE } from '../shared/http/cookies.js';
import { signedInSession } from '../shared/http/wrappers.js';
import { startLogin } from '../shared/services/sign-in/login.js';
import { loadConfig } from '../shared/config/config.js';
import { createDynamoClient } from '../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../shared/adapters/dynamodb/create-table.js';
import { putUser } from '../shared/adapters/dynamodb/users.js';
import type { HttpRequest } from '../shared/http/http.js';
import { logger } from '../shared/logging/logger.js';
import { startDynamoDbLocal } from '../local/dynamodb/dynamodb-local.js';
import { localDependencies } from '../local/local-dependencies.js';
import { makeUser } from '../test/support/directory.js';
import { OidcTestProvider } from '../test/support/oidc-test-provider.js';

const ROOT = resolve(import.meta.dirname, '..');
const AUTH_FUNCTIONS = ['auth-login', 'auth-callback', 'auth-session', 'api'];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function request(path: string, query: URLSearchParams, cookies: Map<string, string>, method = 'GET'): HttpRequest {
  return {
    method,
    path,
    query,
    headers: {},
    cookies,
    body: undefined,
    requestId: 'bench',
    sourceIp: undefined,
    userAgent: 'bench',
    params: {},
  };
}

/** Wraps an async function to add the time spent awaiting it to `clock.ms`. */
function timed<A extends unknown[], R>(fn: (...args: A) => Promise<R>, clock: { ms: number }): (...args: A) => Promise<R> {
  return async (...args) => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      clock.ms += performance.now() - started;
    }
  };
}

/** Time awaiting the provider (fetch: its network and its work), subtracted from the callback; time awaiting DynamoDB, reported. */
const providerClock = { ms: 0 };
const dynamoClock = { ms: 0 };
const realFetch = globalThis.fetch;
globalThis.fetch = timed(realFetch, providerClock);

async function serverSide(iterations: number): Promise<{ callback: number[]; dynamo: number[]; session: number[] }> {
  const dynamo = await startDynamoDbLocal();
  const provider = await OidcTestProvider.start({ account: { sub: 'bench-user', email: 'bench@example.com', hd: 'example.com' } });
  const state = await mkdtemp(join(tmpdir(), 'wb-bench-'));
  try {
    const config = loadConfig({
      RUNTIME_MODE: 'local',
      APP_ORIGIN: 'http://127.0.0.1:9',
      TABLE_NAME: 'bench',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      OIDC_ISSUER: provider.issuer,
      GOOGLE_CLIENT_ID: provider.clientId,
      GOOGLE_CLIENT_SECRET: provider.clientSecret,
      LOG_LEVEL: 'ERROR',
    });
    await ensureTable(createDynamoClient({ endpoint: dynamo.endpoint }), config.tableName);
    const deps = localDependencies(config, state);
    await putUser(deps.db, config.tableName, makeUser({ id: 'bench-user', primaryEmail: 'bench@example.com' }));
    deps.db.send = timed(deps.db.send.bind(deps.db), dynamoClock) as typeof deps.db.send;
    const callback: number[] = [];
    const dynamoInCallback: number[] = [];
    const session: number[] = [];
    for (let i = 0; i < iterations + 20; i++) {
      const login = await startLogin(request('/auth/login', new URLSearchParams(), new Map()), deps);
      const [cookie = ''] = login.cookies ?? [];
      const [name = '', value = ''] = cookie.split(';')[0]!.split('=');
      const back = await (await realFetch(login.headers!.location!, { redirect: 'manual' })).headers.get('location')!;
      providerClock.ms = 0;
      dynamoClock.ms = 0;
      const started = performance.now();
      const answer = await completeLogin(request('/auth/callback', new URL(back).searchParams, new Map([[name, value]])), deps);
      const elapsed = performance.now() - started - providerClock.ms;
      const dynamo = dynamoClock.ms;
      if (answer.status !== 302) throw new Error(`callback answered ${answer.status}: ${answer.body}`);
      const sessionId = answer
        .cookies!.find((c) => c.startsWith(SESSION_COOKIE))!
        .split(';')[0]!
        .split('=')[1]!;
      const checkStarted = performance.now();
      await signedInSession(request('/api/me', new URLSearchParams(), new Map([[SESSION_COOKIE, sessionId]])), deps);
      const check = performance.now() - checkStarted;
      if (i >= 20) {
        dynamoInCallback.push(dynamo);
        callback.push(elapsed);
        session.push(check);
      }
    }
    return { callback, dynamo: dynamoInCallback, session };
  } finally {
    await provider.close();
    await dynamo.stop();
    await rm(state, { recursive: true, force: true });
  }
}

interface BundleFigures {
  readonly name: string;
  /** As deployed: the AWS SDK v3 left to the Lambda runtime (CDK NodejsFunction's default for Node 18+ runtimes). */
  readonly bytes: number;
  /** Everything bundled, SDK included. */
  readonly bytesWithSdk: number;
  readonly importMs: number;
  readonly importWithSdkMs: number;
}

/** A configuration that validates in mode `aws`: entry points read and check it at module load. */
const AWS_FUNCTION_ENV = {
  RUNTIME_MODE: 'aws',
  AWS_REGION: 'eu-west-1',
  APP_ORIGIN: 'https://intranet.example.com',
  GOOGLE_CLIENT_ID: 'bench.apps.googleusercontent.com',
  ALLOWED_DOMAINS: 'example.com',
  GOOGLE_ADMIN_SUBJECT: 'ada@example.com',
  TABLE_NAME: 'bench',
};

/**
 * Median of five `import()`s of the bundle, each in a fresh Node process (what a Lambda cold start
 * pays before the handler runs, configuration and clients included).
 */
function coldImportMs(file: string): number {
  const samples = [0, 1, 2, 3, 4].map(() =>
    Number(
      execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
        ],
        { env: { ...process.env, ...AWS_FUNCTION_ENV } },
      )
        .toString()
        .trim(),
    ),
  );
  return percentile(samples, 50);
}

async function bundles(): Promise<BundleFigures[]> {
  // Inside the repository, so the external SDK resolves from node_modules as it does from the runtime.
  const out = join(ROOT, 'node_modules', '.cache', 'wb-bench');
  await mkdir(out, { recursive: true });
  const bundle = async (name: string, outfile: string, external: string[]) => {
    await build({
      // As infra/app-function.ts bundles for the Lambda runtime.
      entryPoints: [join(ROOT, 'functions', `${name}.ts`)],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'esm',
      target: NODE_RUNTIME.name.replace('nodejs', 'node').replace('.x', ''),
      external,
      mainFields: FUNCTION_BUNDLE_MAIN_FIELDS,
      define: { ...functionBundleDefine(false) },
      alias: Object.fromEntries(Object.entries(FUNCTION_BUNDLE_ALIAS).map(([path, file]) => [path, join(ROOT, file)])),
      // ESM bundles of CommonJS dependencies need a require().
      banner: { js: "import { createRequire as __wbRequire } from 'node:module'; const require = __wbRequire(import.meta.url);" },
      logLevel: 'error',
    });
    return (await stat(outfile)).size;
  };
  try {
    const results: BundleFigures[] = [];
    for (const name of AUTH_FUNCTIONS) {
      const outfile = join(out, `${name}.mjs`);
      const bytesWithSdk = await bundle(name, join(out, `${name}.full.mjs`), []);
      const bytes = await bundle(name, outfile, ['@aws-sdk/*']);
      results.push({
        name,
        bytes,
        bytesWithSdk,
        importMs: coldImportMs(outfile),
        importWithSdkMs: coldImportMs(join(out, `${name}.full.mjs`)),
      });
    }
    return results;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

export async function run(args: string[]): Promise<void> {
  const iterations = Number(args.find((a) => a.startsWith('--iterations='))?.split('=')[1] ?? 200);
  logger.setLogLevel('ERROR');
  const { callback, dynamo, session } = await serverSide(iterations);
  const row = (label: string, value: string, target: string, ok: boolean) =>
    console.log(`${label.padEnd(44)} ${value.padStart(12)}   target ${target.padEnd(10)} ${ok ? 'ok' : 'MISSED'}`);
  console.log(
    `${iterations} sign-ins, Node ${process.version}, DynamoDB Local, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(1)}`,
  );
  row('callback, our side (p50)', `${percentile(callback, 50).toFixed(2)} ms`, '< 10 ms', percentile(callback, 50) < 10);
  row('callback, our side (p99)', `${percentile(callback, 99).toFixed(2)} ms`, '—', true);
  row('  of which awaiting DynamoDB Local (p50)', `${percentile(dynamo, 50).toFixed(2)} ms`, '—', true);
  const cpu = callback.map((total, i) => total - dynamo[i]!);
  row('  the rest: our CPU (p50)', `${percentile(cpu, 50).toFixed(2)} ms`, '—', true);
  row('session check per API request (p50)', `${percentile(session, 50).toFixed(2)} ms`, '—', true);
  for (const bundle of await bundles()) {
    row(
      `bundle ${bundle.name} (minified, SDK from runtime)`,
      `${(bundle.bytes / 1024).toFixed(0)} KB`,
      '< 250 KB',
      bundle.bytes < 250 * 1024,
    );
    row(`bundle ${bundle.name} (minified, SDK bundled)`, `${(bundle.bytesWithSdk / 1024).toFixed(0)} KB`, '—', true);
    row(`cold import ${bundle.name} (SDK from node_modules)`, `${bundle.importMs.toFixed(0)} ms`, '< 150 ms', bundle.importMs < 150);
    row(`cold import ${bundle.name} (SDK bundled)`, `${bundle.importWithSdkMs.toFixed(0)} ms`, '< 150 ms', bundle.importWithSdkMs < 150);
  }
}
