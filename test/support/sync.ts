import { sessionTerminator } from '../../shared/services/sync/sessions.js';
import { dirname } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { loadConfig } from '../../shared/config/config.js';
import type { Dependencies } from '../../shared/runtime/dependencies.js';
import { startSync } from '../../shared/services/sync/invocation.js';
import type { SyncOptions, SyncOutcome } from '../../shared/services/sync/run.js';
import type { SyncWiring } from '../../shared/services/sync/setup.js';
import type { Emulator, EmulatorOptions } from '../../local/emulator/emulator.js';
import { localDependencies } from '../../local/local-dependencies.js';
import type { GoogleOrigins } from '../../shared/http/security-headers.js';
import { freshTable, type TestTable } from './dynamodb.js';
import { startLocalApp, type LocalApp } from './local-app.js';
import { startTestEmulator } from './emulator.js';
import { minimumSyncCalls } from './minimum-calls.js';

export interface SyncHarness {
  readonly emulator: Emulator;
  readonly table: TestTable;
  readonly deps: Dependencies;
  /** User ids whose sessions sync asked to end, in order. */
  readonly endedSessions: string[];
  /** One invocation; `db` replaces the table client (e.g. to inject a fault). */
  sync(options?: Partial<SyncOptions>, wiring?: Partial<SyncWiring>, db?: Dependencies['db']): Promise<SyncOutcome>;
  /** Every item of the table except sync bookkeeping (lease, checkpoint, staging, runs, pending) and the search index derived from the directory. */
  directoryItems(): Promise<Map<string, Record<string, unknown>>>;
  close(): Promise<void>;
}

/** The emulator and a fresh table, wired like `npm run sync` (local secrets from the emulator's key file); no rate limit to speak of. */
export async function startSyncHarness(options: EmulatorOptions & { env?: Record<string, string> } = {}): Promise<SyncHarness> {
  const emulator = await startTestEmulator(options);
  const table = await freshTable();
  const config = loadConfig({
    RUNTIME_MODE: 'local',
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    GOOGLE_API_ROOT: emulator.origin,
    GOOGLE_ADMIN_SUBJECT: emulator.directory.admin.primaryEmail,
    SYNC_QUOTA_PER_MINUTE: '600000',
    ...options.env,
  });
  const deps = localDependencies(config, dirname(dirname(emulator.serviceAccountKeyPath)));
  const endedSessions: string[] = [];
  const sessions = sessionTerminator(deps);
  let invocation = 0;
  return {
    emulator,
    table,
    deps,
    endedSessions,
    async sync(overrides = {}, wiring = {}, db = deps.db) {
      invocation += 1;
      // The entry points' path: setup (a failure recorded), then the run.
      return startSync(
        { ...deps, db },
        {
          // The real session store, with a record of whom it signed out.
          sessions: {
            endUserSessions: async (id) => {
              endedSessions.push(id);
              await sessions.endUserSessions(id);
            },
            refreshUserSessions: (user) => sessions.refreshUserSessions(user),
          },
          retry: { baseDelayMs: 20, maxDelayMs: 200 },
          ...wiring,
        },
        { invocationId: `test-${invocation}`, remainingMs: () => Number.POSITIVE_INFINITY, ...overrides },
      );
    },
    async directoryItems() {
      const items = new Map<string, Record<string, unknown>>();
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await table.db.send(new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: startKey }));
        for (const item of page.Items ?? []) {
          const pk = String(item.pk);
          if (pk === 'SYNC' || pk === 'SYNCRUNS' || pk.startsWith('SYNCRUN#') || pk.startsWith('SEARCHINDEX')) continue;
          items.set(`${pk} ${String(item.sk)}`, item);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    },
    close: () => emulator.stop(),
  };
}

/**
 * The local host on a harness's table, signing in through its emulator and reading its directory with
 * the harness's service-account key, as `npm start` wires it. `googleOrigins` puts the emulator in the CSP
 * (browser tests); `env` adds to or overrides the settings.
 */
export function startHarnessApp(harness: SyncHarness, env: Record<string, string> = {}, googleOrigins?: GoogleOrigins): Promise<LocalApp> {
  const { emulator } = harness;
  return startLocalApp(
    {
      OIDC_ISSUER: emulator.issuer,
      GOOGLE_API_ROOT: emulator.origin,
      GOOGLE_ADMIN_SUBJECT: emulator.directory.admin.primaryEmail,
      SYNC_QUOTA_PER_MINUTE: '600000',
      ...env,
    },
    { table: harness.table, stateDirectory: dirname(dirname(emulator.serviceAccountKeyPath)), googleOrigins },
  );
}

/** What changed between two scans: keys added, removed, and changed (with the attributes that differ). */
export function itemDiff(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>) {
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed: Record<string, string[]> = {};
  for (const [key, item] of after) {
    const old = before.get(key);
    if (!old) continue;
    const attributes = [...new Set([...Object.keys(old), ...Object.keys(item)])]
      .filter((a) => JSON.stringify(old[a]) !== JSON.stringify(item[a]))
      .sort();
    if (attributes.length > 0) changed[key] = attributes;
  }
  return { added, removed, changed };
}

/** The fewest Directory calls a full fetch can make of the emulator's tenant. */
export function minimumCalls(emulator: Emulator): number {
  return minimumSyncCalls(emulator.directory);
}
