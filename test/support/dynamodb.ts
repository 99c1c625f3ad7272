import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient, createDynamoClient } from '../../shared/db/client.js';
import { ensureTable } from '../../shared/db/create-table.js';

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
