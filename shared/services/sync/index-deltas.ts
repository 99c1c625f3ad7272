import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getSchemas } from '../../adapters/dynamodb/groups.js';
import { readStoredForIndex, takeDeltaSeq, writeIndexDeltas } from '../../adapters/dynamodb/people-index-deltas.js';
import { markSearchIndexStale } from '../../adapters/dynamodb/people-index-store.js';
import { KEYS } from '../../adapters/dynamodb/table-definition.js';
import type { DirectoryGroup, DirectoryUser } from '../../domain/directory/model.js';
import { groupRecord, personRecord, searchableFields, type GroupRecord, type PersonRecord } from '../../domain/people/directory-index.js';

/** The people and groups a targeted sync changed, by id: what the search index's deltas are written for. */
export interface IndexChanges {
  readonly users: Set<string>;
  readonly groups: Set<string>;
}

export const noIndexChanges = (): IndexChanges => ({ users: new Set(), groups: new Set() });

/**
 * Writes the index records of the changed people and groups, as stored now, as deltas over the
 * published search index (two counter updates, strongly consistent GetItems, 25 at a time, the schemas, one delta item
 * each). If that fails the index is marked stale, so the next refresh rebuilds it whole: the
 * change is in the table already, and a retry would find nothing left to change.
 */
export async function publishIndexChanges(db: DynamoDBDocumentClient, tableName: string, changes: IndexChanges): Promise<number> {
  const count = changes.users.size + changes.groups.size;
  if (count === 0) return 0;
  try {
    const seq = await takeDeltaSeq(db, tableName);
    const [stored, schemas] = await Promise.all([
      readStoredForIndex(db, tableName, [...[...changes.users].map(KEYS.user), ...[...changes.groups].map(KEYS.group)]),
      getSchemas(db, tableName),
    ]);
    const fields = searchableFields(schemas);
    // Not found in the table: not listed.
    const people = new Map<string, PersonRecord | null>([...changes.users].map((id) => [id, null]));
    const groups = new Map<string, GroupRecord | null>([...changes.groups].map((id) => [id, null]));
    for (const item of stored) {
      const user = item.user as DirectoryUser | undefined;
      const group = item.group as DirectoryGroup | undefined;
      if (user) people.set(user.id, personRecord(user, fields) ?? null);
      if (group)
        groups.set(group.id, groupRecord({ ...group, directMembersCount: (item.directMembersCount as number | undefined) ?? 0 }) ?? null);
    }
    await writeIndexDeltas(db, tableName, seq, { people, groups });
    return count;
  } catch (error) {
    await markSearchIndexStale(db, tableName).catch(() => undefined);
    throw error;
  }
}
