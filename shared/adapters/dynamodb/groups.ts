import { GetCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from './batch.js';
import { queryAll } from './query.js';
import type { DirectoryDomain, DirectoryGroup, DirectorySchema, GroupMember } from '../../domain/directory/model.js';
import { indexQuery, KEYS, prefixQuery } from './table-definition.js';

/**
 * Groups, memberships, domains and schemas in the table (users: see users.ts; keys and item shapes:
 * table-definition.ts). Transitive items exist for the directory's own users only: nested groups resolved (cycle-safe), a CUSTOMER
 * member expanded to every user of the tenant. So "is U in G, directly or not" is one GetItem,
 * "groups of U" and "users of G" one Query each.
 */

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
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.group(id) }));
  return Item?.group as DirectoryGroup | undefined;
}

export async function getGroupByEmail(db: DynamoDBDocumentClient, tableName: string, email: string): Promise<DirectoryGroup | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.groupEmail(email) }));
  return typeof Item?.groupId === 'string' ? getGroupById(db, tableName, Item.groupId) : undefined;
}

/** Whether the user is in the group, directly or through nesting: one GetItem. */
export async function isUserInGroup(db: DynamoDBDocumentClient, tableName: string, userId: string, groupId: string): Promise<boolean> {
  const { Item } = await db.send(
    new GetCommand({ TableName: tableName, Key: KEYS.transitiveMembership(userId, groupId), ProjectionExpression: 'pk' }),
  );
  return Item !== undefined;
}

/** Which of `groupIds` the user is in (directly or not): one BatchGetItem per 100 groups, for "shared with any of these groups". */
export async function userGroupsAmong(
  db: DynamoDBDocumentClient,
  tableName: string,
  userId: string,
  groupIds: readonly string[],
): Promise<Set<string>> {
  const keys = [...new Set(groupIds)].map((g) => KEYS.transitiveMembership(userId, g));
  const items = await batchGetAll(db, tableName, keys, { ProjectionExpression: 'groupId' });
  return new Set(items.map((item) => String(item.groupId)));
}

/*
 * The membership queries, each built once: the lists below read them to the end, and the API's
 * paged lists (shared/http/paging.ts) read them a page at a time.
 */

/** The groups the user is in (TransitiveMembership items), directly or not; `directOnly` keeps the direct ones. */
export function groupsOfUserQuery(tableName: string, userId: string, directOnly = false): QueryCommandInput {
  const key = prefixQuery(KEYS.groupsOfUser(userId));
  return {
    TableName: tableName,
    ...key,
    ...(directOnly ? { FilterExpression: '#direct = :yes' } : {}),
    ExpressionAttributeValues: { ...key.ExpressionAttributeValues, ...(directOnly ? { ':yes': true } : {}) },
    ProjectionExpression: 'userId, groupId, #direct',
    ExpressionAttributeNames: { '#direct': 'direct' },
  };
}

/** The users of the group (TransitiveMembership items), directly or not: gsi2. */
export function usersInGroupQuery(tableName: string, groupId: string): QueryCommandInput {
  return {
    TableName: tableName,
    ...indexQuery(KEYS.usersInGroup(groupId)),
    ProjectionExpression: 'userId, groupId, #direct',
    ExpressionAttributeNames: { '#direct': 'direct' },
  };
}

/** The group's direct members (`{ member: GroupMember }` items). */
export function directMembersQuery(tableName: string, groupId: string): QueryCommandInput {
  return {
    TableName: tableName,
    ...prefixQuery(KEYS.directMembersOf(groupId)),
    ProjectionExpression: '#member',
    ExpressionAttributeNames: { '#member': 'member' },
  };
}

/** Every group the user is in, directly or not: one Query on the user's partition. */
export async function listGroupsOfUser(db: DynamoDBDocumentClient, tableName: string, userId: string): Promise<TransitiveMembership[]> {
  return queryAll<TransitiveMembership>(db, groupsOfUserQuery(tableName, userId));
}

/** Every user of the group, directly or not: one Query on gsi2. */
export async function listUsersInGroup(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<TransitiveMembership[]> {
  return queryAll<TransitiveMembership>(db, usersInGroupQuery(tableName, groupId));
}

/** The group's direct members (users, nested groups, the tenant, external addresses), as Google lists them. */
export async function listDirectMembers(db: DynamoDBDocumentClient, tableName: string, groupId: string): Promise<GroupMember[]> {
  const items = await queryAll<{ member: GroupMember }>(db, directMembersQuery(tableName, groupId));
  return items.map((i) => i.member);
}

/** The groups `memberKey` (USER#<id>, GROUP#<id>, …) is a direct member of: one Query on gsi1. */
export async function listDirectGroupsOf(db: DynamoDBDocumentClient, tableName: string, memberKey: string): Promise<string[]> {
  const items = await queryAll<{ groupId: string }>(db, {
    TableName: tableName,
    ...indexQuery(KEYS.memberOf(memberKey)),
    ProjectionExpression: 'groupId',
  });
  return items.map((i) => i.groupId);
}

export async function getDomains(db: DynamoDBDocumentClient, tableName: string): Promise<DirectoryDomain[]> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.domains }));
  return (Item?.domains as DirectoryDomain[] | undefined) ?? [];
}

export async function getSchemas(db: DynamoDBDocumentClient, tableName: string): Promise<DirectorySchema[]> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.schemas }));
  return (Item?.schemas as DirectorySchema[] | undefined) ?? [];
}
