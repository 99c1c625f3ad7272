import { BatchGetCommand, GetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query.js';
import type { DirectoryDomain, DirectoryGroup, DirectorySchema, GroupMember } from '../../domain/directory/model.js';

/**
 * Groups, memberships, domains and schemas in the table (users: see users.ts):
 *
 *   group        pk GROUP#<gid>      sk GROUP              { group, hash, memberHash, transitiveHash }
 *                gsi1pk GROUPS       gsi1sk <email>         every synced group, by email
 *   group email  pk EMAIL#<address>  sk GROUP              { groupId }   (email and aliases, lower case)
 *   direct       pk GROUP#<gid>      sk MEMBER#<memberKey>  { groupId, member: GroupMember }
 *                gsi1pk MEMBEROF#<memberKey>  gsi1sk GROUP#<gid>   the groups a member is directly in
 *   transitive   pk USER#<uid>       sk INGROUP#<gid>       { userId, groupId, direct }
 *                gsi2pk TMEMBERS#<gid>  gsi2sk USER#<uid>   every user in a group, directly or not
 *   domains      pk DIRECTORY        sk DOMAINS             { domains, hash }
 *   schemas      pk DIRECTORY        sk SCHEMAS             { schemas, hash }
 *
 * `memberKey` is USER#<id> | GROUP#<id> | CUSTOMER#<customerId> | EXTERNAL#<email>. Transitive
 * items exist for the directory's own users only: nested groups resolved (cycle-safe), a CUSTOMER
 * member expanded to every user of the tenant. So "is U in G, directly or not" is one GetItem,
 * "groups of U" and "users of G" one Query each.
 */
export const groupKey = (id: string) => ({ pk: `GROUP#${id}`, sk: 'GROUP' });
export const groupEmailKey = (address: string) => ({ pk: `EMAIL#${address.toLowerCase()}`, sk: 'GROUP' });
export const memberItemKey = (groupId: string, memberKey: string) => ({ pk: `GROUP#${groupId}`, sk: `MEMBER#${memberKey}` });
export const transitiveKey = (userId: string, groupId: string) => ({ pk: `USER#${userId}`, sk: `INGROUP#${groupId}` });
export const domainsKey = { pk: 'DIRECTORY', sk: 'DOMAINS' } as const;
export const schemasKey = { pk: 'DIRECTORY', sk: 'SCHEMAS' } as const;

export const GROUPS_INDEX = { indexName: 'gsi1', partition: 'GROUPS' } as const;
export const memberOfIndexKey = (memberKey: string, groupId: string) => ({ gsi1pk: `MEMBEROF#${memberKey}`, gsi1sk: `GROUP#${groupId}` });
export const transitiveIndexKey = (userId: string, groupId: string) => ({ gsi2pk: `TMEMBERS#${groupId}`, gsi2sk: `USER#${userId}` });

/** A transitive membership: the user is in the group directly, through nested groups, or as part of the whole tenant. */
export interface TransitiveMembership {
  readonly userId: string;
  readonly groupId: string;
  /** True when the user is also a direct member. */
  readonly direct: boolean;
}

export function groupEmails(group: DirectoryGroup): string[] {
  return [...new Set([group.email, ...group.aliases].map((e) => e.toLowerCase()))];
}

export async function getGroupById(db: DynamoDBDocumentClient, tableName: string, id: string): Promise<DirectoryGroup | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: groupKey(id) }));
  return Item?.group as DirectoryGroup | undefined;
}

export async function getGroupByEmail(db: DynamoDBDocumentClient, tableName: string, email: string): Promise<DirectoryGroup | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: groupEmailKey(email) }));
  return typeof Item?.groupId === 'string' ? getGroupById(db, tableName, Item.groupId) : undefined;
}

/** Whether the user is in the group, directly or through nesting: one GetItem. */
export async function isUserInGroup(db: DynamoDBDocumentClient, tableName: string, userId: string, groupId: string): Promise<boolean> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: transitiveKey(userId, groupId), ProjectionExpression: 'pk' }));
  return Item !== undefined;
}

/** Which of `groupIds` the user is in (directly or not): one BatchGetItem per 100 groups, for "shared with any of these groups". */
export async function userGroupsAmong(db: DynamoDBDocumentClient, tableName: string, userId: string, groupIds: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  const unique = [...new Set(groupIds)];
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((g) => transitiveKey(userId, g));
    while (keys && keys.length > 0) {
      const result: BatchGetCommandOutput = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: 'groupId' } } }));
      for (const item of result.Responses?.[tableName] ?? []) found.add(String(item.groupId));
      keys = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}

/** Every group the user is in, directly or not: one Query on the user's partition. */
export async function listGroupsOfUser(db: DynamoDBDocumentClient, tableName: string, userId: string): Promise<TransitiveMembership[]> {
  return queryAll<TransitiveMembership>(db, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': 'INGROUP#' },
    ProjectionExpression: 'userId, groupId, #direct',
    ExpressionAttributeNames: { '#direct': 'direct' },
  });
}

/** Every user of the group, directly or not: one Query on gsi2. */
export async function listUsersInGroup(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<TransitiveMembership[]> {
  return queryAll<TransitiveMembership>(db, {
    TableName: tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': `TMEMBERS#${groupId}` },
    ProjectionExpression: 'userId, groupId, #direct',
    ExpressionAttributeNames: { '#direct': 'direct' },
  });
}

/** The group's direct members (users, nested groups, the tenant, external addresses), as Google lists them. */
export async function listDirectMembers(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<GroupMember[]> {
  const items = await queryAll<{ member: GroupMember }>(db, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': `GROUP#${groupId}`, ':prefix': 'MEMBER#' },
    ProjectionExpression: '#member',
    ExpressionAttributeNames: { '#member': 'member' },
  });
  return items.map((i) => i.member);
}

/** The groups `memberKey` (USER#<id>, GROUP#<id>, …) is a direct member of: one Query on gsi1. */
export async function listDirectGroupsOf(db: DynamoDBDocumentClient, tableName: string, memberKey: string): Promise<string[]> {
  const items = await queryAll<{ groupId: string }>(db, {
    TableName: tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `MEMBEROF#${memberKey}` },
    ProjectionExpression: 'groupId',
  });
  return items.map((i) => i.groupId);
}

export async function getDomains(db: DynamoDBDocumentClient, tableName: string): Promise<DirectoryDomain[]> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: domainsKey }));
  return (Item?.domains as DirectoryDomain[] | undefined) ?? [];
}

export async function getSchemas(db: DynamoDBDocumentClient, tableName: string): Promise<DirectorySchema[]> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: schemasKey }));
  return (Item?.schemas as DirectorySchema[] | undefined) ?? [];
}
