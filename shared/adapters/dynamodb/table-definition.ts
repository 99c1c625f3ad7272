/**
 * The single DynamoDB table of Workspace Bridge, defined once: the CDK stack (infra/) and the
 * local/test table creation both read this, so keys, indexes and TTL cannot drift apart.
 *
 * Item families share the table and are told apart by key prefixes (see shared/db/keys.ts):
 * every item has `pk` and `sk`; items that need a second access path set `gsi1pk`/`gsi1sk`;
 * short-lived items (sessions, leases, login state) set `expiresAt` in epoch seconds and
 * DynamoDB's TTL removes them (reads must still check it: TTL deletion lags).
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N';
}

export interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
}

export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  readonly timeToLiveAttribute: string;
}

export const TABLE: TableDefinition = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' } },
    { indexName: 'gsi2', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' } },
  ],
  timeToLiveAttribute: 'expiresAt',
};
