import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../../shared/adapters/dynamodb/create-table.js';

export interface TestTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly db: DynamoDBDocumentClient;
}

/** A new, empty table in the run's DynamoDB Local, created from the shared definition. */
export async function freshTable(): Promise<TestTable> {
  const endpoint = inject('dynamodbEndpoint');
  const tableName = `test-${randomUUID()}`;
  await ensureTable(createDynamoClient({ endpoint }), tableName);
  return { endpoint, tableName, db: createDocumentClient({ endpoint }) };
}

/**
 * The real client, except that the first command `matches` accepts fails (as DynamoDB would after
 * the SDK's own retries): a fault at one precise write, everything else real.
 */
export function failingOnce(
  db: DynamoDBDocumentClient,
  matches: (command: { input: unknown }) => boolean,
): { db: DynamoDBDocumentClient; failed: () => boolean } {
  let failed = false;
  const send = ((command: { input: unknown }, ...rest: unknown[]) => {
    if (!failed && matches(command)) {
      failed = true;
      return Promise.reject(Object.assign(new Error('Injected DynamoDB failure'), { name: 'InternalServerError' }));
    }
    return (db.send as (...args: unknown[]) => Promise<unknown>)(command, ...rest);
  }) as DynamoDBDocumentClient['send'];
  return {
    db: new Proxy(db, { get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)) }),
    failed: () => failed,
  };
}
