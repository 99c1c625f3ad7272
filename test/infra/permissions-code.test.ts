import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS } from '../../functions/catalog.js';
import { REPOSITORY_ROOT } from '../../infra/app-function.js';
import {
  HTTP_FUNCTION_PERMISSIONS,
  PUSH_CHANNELS_PERMISSIONS,
  PUSH_WORKER_PERMISSIONS,
  SYNC_PERMISSIONS,
  type PermissionProfile,
  type TableAction,
} from '../../infra/permissions.js';
import { SYNC_ENTRY } from '../../infra/workspace-bridge.js';

/**
 * The permission profiles held against the code: each handler is bundled as deployed (esbuild,
 * tree-shaken, npm packages left out) and the DynamoDB commands left in its bundle are the calls
 * it can make. DynamoDB Local checks no IAM, so without this a missing action would first show as
 * AccessDenied in AWS, and a stale one would stay granted unnoticed.
 */

/** Document-client and low-level command classes, by the IAM action they need. */
const COMMAND_ACTIONS: Readonly<Record<string, TableAction | 'Scan'>> = {
  GetCommand: 'GetItem',
  GetItemCommand: 'GetItem',
  TransactGetCommand: 'GetItem',
  TransactGetItemsCommand: 'GetItem',
  BatchGetCommand: 'BatchGetItem',
  BatchGetItemCommand: 'BatchGetItem',
  QueryCommand: 'Query',
  PutCommand: 'PutItem',
  PutItemCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  UpdateItemCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  DeleteItemCommand: 'DeleteItem',
  BatchWriteCommand: 'BatchWriteItem',
  BatchWriteItemCommand: 'BatchWriteItem',
  ScanCommand: 'Scan',
  ScanItemCommand: 'Scan',
};

/**
 * Commands the bundler keeps although the function never reaches them, each reviewed: the API
 * imports `getPendingDiff` from shared/adapters/dynamodb/sync-state-store.ts, and a class is kept whole, so the
 * sync's own lease, checkpoint and run-record writes ride along.
 */
const UNREACHABLE_IN_BUNDLE: Readonly<Record<string, readonly TableAction[]>> = {
  api: ['BatchWriteItem', 'ConditionCheckItem'],
};

interface Uses {
  readonly actions: readonly string[];
  readonly queriesAnIndex: boolean;
}

async function dynamoDbUses(entry: string): Promise<Uses> {
  const result = await build({
    entryPoints: [`${REPOSITORY_ROOT}${entry}`],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const actions = new Set<string>();
  for (const [, name] of code.matchAll(/new (\w+?Command)\d*\(/g)) {
    const action = COMMAND_ACTIONS[name!];
    if (action) actions.add(action);
  }
  // A transaction's parts need their own actions; its Put/Update/Delete parts are covered above only if used elsewhere too.
  if (/new TransactWrite(Items)?Command\d*\(/.test(code)) {
    if (/\bPut: \{/.test(code)) actions.add('PutItem');
    if (/\bUpdate: \{/.test(code)) actions.add('UpdateItem');
    if (/\bDelete: \{/.test(code)) actions.add('DeleteItem');
    if (/\bConditionCheck: \{/.test(code)) actions.add('ConditionCheckItem');
  }
  return { actions: [...actions].sort(), queriesAnIndex: /\bIndexName:/.test(code) };
}

/** Every action the profile grants anywhere (Query on an index counts as Query: which of table and index a query targets is checked by the template tests). */
const granted = (profile: PermissionProfile) =>
  [...new Set([...(profile.table?.actions ?? []), ...((profile.table?.queriedIndexes.length ?? 0) > 0 ? ['Query' as const] : [])])].sort();

describe('permission profiles against the code each function bundles', () => {
  it.each([
    ...HTTP_FUNCTIONS.map((f) => [f.name, f.entry, HTTP_FUNCTION_PERMISSIONS[f.name]!] as const),
    ['sync', SYNC_ENTRY, SYNC_PERMISSIONS] as const,
    ['push-worker', 'functions/push-worker.ts', PUSH_WORKER_PERMISSIONS] as const,
    ['push-channels', 'functions/push-channels.ts', PUSH_CHANNELS_PERMISSIONS] as const,
  ])(
    '%s: grants exactly the DynamoDB actions its bundle can send, and index access only if it queries one',
    async (name, entry, profile) => {
      const uses = await dynamoDbUses(entry);
      const unreachable = UNREACHABLE_IN_BUNDLE[name] ?? [];
      expect(uses.actions.filter((a) => !unreachable.includes(a as TableAction))).toEqual(granted(profile));
      // The reviewed exceptions must still be in the bundle (else the list is stale) and must stay ungranted.
      for (const action of unreachable) {
        expect(uses.actions, name).toContain(action);
        expect(granted(profile), name).not.toContain(action);
      }
      expect((profile.table?.queriedIndexes.length ?? 0) > 0, name).toBe(uses.queriesAnIndex);
    },
    30_000,
  );
});
