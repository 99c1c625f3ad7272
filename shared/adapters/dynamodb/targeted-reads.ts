/**
 * The stored directory as a targeted (one user, one group) sync reads it: a group's stored hashes,
 * which fetched member ids are known users or groups, the groups above a group, and every synced
 * user (for a group with the whole customer as a member). Writes go through sync-apply.ts.
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch.js';
import { memberKeyOf } from '../../domain/directory/model.js';
import type { FetchedMember } from '../google/map.js';
import { listDirectGroupsOf } from './groups.js';
import { queryAll } from './query.js';
import { indexQuery, KEYS } from './table-definition.js';

/** What a group's stored item says about its last synced state (undefined: never stored). */
export interface StoredGroupState {
  readonly hash?: string;
  readonly emails: readonly string[];
  readonly deleted: boolean;
  readonly memberHash?: string;
  readonly transitiveHash?: string;
}

export async function storedGroupState(
  db: DynamoDBDocumentClient,
  tableName: string,
  groupId: string,
): Promise<StoredGroupState | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.group(groupId) }));
  if (!Item) return undefined;
  return {
    hash: Item.hash as string | undefined,
    emails: (Item.emails as string[] | undefined) ?? [],
    deleted: Boolean(Item.group?.deletedAt),
    memberHash: Item.memberHash as string | undefined,
    transitiveHash: Item.transitiveHash as string | undefined,
  };
}

/** Which fetched member ids are live users or groups of the stored directory (one BatchGetItem per 100 members). */
export async function knownMemberIds(
  db: DynamoDBDocumentClient,
  tableName: string,
  fetched: readonly FetchedMember[],
): Promise<{ users: Set<string>; groups: Set<string> }> {
  const users = new Set<string>();
  const groups = new Set<string>();
  const keys = fetched.flatMap((m) =>
    m.id && m.type === 'USER' ? [KEYS.user(m.id)] : m.id && m.type === 'GROUP' ? [KEYS.group(m.id)] : [],
  );
  const items = await batchGetAll(db, tableName, keys, {
    ProjectionExpression: 'pk, #user.id, #user.deletedAt, #group.id, #group.deletedAt',
    ExpressionAttributeNames: { '#user': 'user', '#group': 'group' },
  });
  for (const item of items as { user?: { id?: string; deletedAt?: string }; group?: { id?: string; deletedAt?: string } }[]) {
    if (item.user?.id && !item.user.deletedAt) users.add(String(item.user.id));
    if (item.group?.id && !item.group.deletedAt) groups.add(String(item.group.id));
  }
  return { users, groups };
}

/** Every group that contains `groupId`, directly or through nesting (cycle-safe), from the stored direct memberships. */
export async function ancestorGroups(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<Set<string>> {
  const found = new Set<string>();
  const queue = [groupId];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const parent of await listDirectGroupsOf(db, tableName, memberKeyOf('GROUP', current))) {
      if (parent === groupId || found.has(parent)) continue;
      found.add(parent);
      queue.push(parent);
    }
  }
  return found;
}

/** Every synced user's id (gsi1 USERS). */
export async function allSyncedUserIds(db: DynamoDBDocumentClient, tableName: string): Promise<string[]> {
  const items = await queryAll<{ user: { id: string } }>(db, {
    TableName: tableName,
    ...indexQuery(KEYS.users),
    ProjectionExpression: '#user.id',
    ExpressionAttributeNames: { '#user': 'user' },
  });
  return items.map((i) => i.user.id);
}
