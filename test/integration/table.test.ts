import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { ensureTable } from '../../shared/adapters/dynamodb/create-table.js';
import { TABLE } from '../../shared/adapters/dynamodb/table-definition.js';
import { freshTable } from '../support/dynamodb.js';

describe('table creation from the shared definition', () => {
  it('creates keys, every index and TTL as defined, and is idempotent', async () => {
    const { endpoint, tableName } = await freshTable();
    const client = createDynamoClient({ endpoint });
    await ensureTable(client, tableName);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
    ]);
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(
      TABLE.globalSecondaryIndexes.map((i) => i.indexName).sort(),
    );
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(TABLE.timeToLiveAttribute);
  });
});
