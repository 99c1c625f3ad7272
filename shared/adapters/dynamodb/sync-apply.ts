import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, type WriteRequest } from './batch.js';
import { deleteIfOwned } from './conditional.js';
import { queryAll } from './query.js';
import { groupEmails, listDirectMembers, listUsersInGroup } from './groups.js';
import { memberKeyOf, type DirectoryUser, type GroupMember } from '../../domain/directory/model.js';
import { putUser, userEmails } from './users.js';
import { canonicalJson } from '../../domain/sync/hash.js';
import {
  recordHash,
  type GroupUpsert,
  type MembershipTarget,
  type StoredGroup,
  type StoredState,
  type StoredUser,
  type SyncPlan,
  type UserUpsert,
} from '../../domain/sync/plan.js';
import { indexQuery, KEYS, prefixQuery } from './table-definition.js';

/**
 * Ends a user's sign-in sessions (a port: the sign-in feature implements it). Called when sync
 * sees a user suspended, archived or deleted, before the record changes, so a crash in between
 * ends them again on resume rather than never.
 */
export interface SessionTerminator {
  endUserSessions(userId: string): Promise<void>;
  /** A stored user changed: live sessions carry a copy of the record (one read per API request), so they get the new one. */
  refreshUserSessions(user: DirectoryUser): Promise<void>;
}

export interface ApplyContext {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly sessions: SessionTerminator;
  /** Directory item writes (puts, updates, deletes) this run made. */
  readonly stats: { itemWrites: number };
  /** ISO time stamped on tombstones. */
  readonly now: () => string;
}

/** Reads what planning compares against: every active synced user and group (one index query each) and the domain/schema hashes. */
export async function readStoredState(db: DynamoDBDocumentClient, tableName: string): Promise<StoredState> {
  const [userItems, groupItems, domains, schemas] = await Promise.all([
    queryAll<{ user: { id: string; primaryEmail: string; suspended?: boolean; archived?: boolean }; hash?: string; emails?: string[] }>(
      db,
      {
        TableName: tableName,
        ...indexQuery(KEYS.users),
        ProjectionExpression: '#user.id, #user.primaryEmail, #user.suspended, #user.archived, #hash, emails',
        ExpressionAttributeNames: { '#user': 'user', '#hash': 'hash' },
      },
    ),
    queryAll<{ group: { id: string; email: string }; hash?: string; emails?: string[]; memberHash?: string; transitiveHash?: string }>(db, {
      TableName: tableName,
      ...indexQuery(KEYS.groups),
      ProjectionExpression: '#group.id, #group.email, #hash, emails, memberHash, transitiveHash',
      ExpressionAttributeNames: { '#group': 'group', '#hash': 'hash' },
    }),
    db.send(
      new GetCommand({
        TableName: tableName,
        Key: KEYS.domains,
        ProjectionExpression: '#hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
      }),
    ),
    db.send(
      new GetCommand({
        TableName: tableName,
        Key: KEYS.schemas,
        ProjectionExpression: '#hash',
        ExpressionAttributeNames: { '#hash': 'hash' },
      }),
    ),
  ]);
  const users = new Map<string, StoredUser>();
  for (const item of userItems) {
    users.set(item.user.id, {
      id: item.user.id,
      email: item.user.primaryEmail,
      hash: item.hash,
      emails: item.emails ?? [],
      suspended: item.user.suspended === true,
      archived: item.user.archived === true,
    });
  }
  const groups = new Map<string, StoredGroup>();
  for (const item of groupItems) {
    groups.set(item.group.id, {
      id: item.group.id,
      email: item.group.email,
      hash: item.hash,
      emails: item.emails ?? [],
      memberHash: item.memberHash,
      transitiveHash: item.transitiveHash,
    });
  }
  return { users, groups, domainsHash: domains.Item?.hash as string | undefined, schemasHash: schemas.Item?.hash as string | undefined };
}

/** Writes one user that changed (its profile and email index entries in one transaction). */
export async function applyUserUpsert(ctx: ApplyContext, upsert: UserUpsert): Promise<void> {
  if (upsert.endSessions) await ctx.sessions.endUserSessions(upsert.user.id);
  const attributes = { hash: upsert.hash, gsi1pk: KEYS.users.partition, gsi1sk: upsert.user.primaryEmail };
  await putUser(ctx.db, ctx.tableName, upsert.user, upsert.previousEmails, attributes);
  // A new user has no sessions yet; a changed one may (name, admin flag, or blocked: then they end).
  if (!upsert.created) await ctx.sessions.refreshUserSessions(upsert.user);
  const emails = userEmails(upsert.user);
  const changedEmails =
    emails.filter((e) => !upsert.previousEmails.includes(e)).length + upsert.previousEmails.filter((e) => !emails.includes(e)).length;
  ctx.stats.itemWrites += 1 + changedEmails;
}

/**
 * Applies one user as Google returned it, on its own: reads the stored record, writes only if
 * something changed. Idempotent; the step a push notification (users.watch) will call. The caller
 * records the change for the search index (targeted.ts: a delta, or the stale mark when the delta
 * cannot be written): the next full run finds this user's hash unchanged. `user.shared` must
 * be what Google's public view shows of them (users.get with domain_public): without it colleagues
 * see nothing of the user's profile until the next full run.
 */
export async function applyChangedUser(ctx: ApplyContext, user: DirectoryUser): Promise<'unchanged' | 'created' | 'updated'> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.tableName, Key: KEYS.user(user.id) }));
  const hash = recordHash(user);
  if (Item?.hash === hash && !Item.user?.deletedAt) return 'unchanged';
  const before = Item?.user as DirectoryUser | undefined;
  const wasBlocked = before ? before.suspended || before.archived : false;
  await applyUserUpsert(ctx, {
    user,
    hash,
    previousEmails: (Item?.emails as string[] | undefined) ?? [],
    created: !Item,
    endSessions: (user.suspended || user.archived) && !wasBlocked,
  });
  return Item ? 'updated' : 'created';
}

/** Writes one group's profile and the index entries of its new addresses (dropped ones removed after, as for users); membership hashes are left as they are. */
export async function applyGroupUpsert(ctx: ApplyContext, upsert: GroupUpsert): Promise<void> {
  const { group } = upsert;
  const emails = groupEmails(group);
  const added = emails.filter((e) => !upsert.previousEmails.includes(e));
  const dropped = upsert.previousEmails.filter((e) => !emails.includes(e));
  await ctx.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: ctx.tableName,
            Key: KEYS.group(group.id),
            UpdateExpression: 'SET #group = :group, #hash = :hash, emails = :emails, gsi1pk = :gsi1pk, gsi1sk = :gsi1sk REMOVE deletedAt',
            ExpressionAttributeNames: { '#group': 'group', '#hash': 'hash' },
            ExpressionAttributeValues: {
              ':group': group,
              ':hash': upsert.hash,
              ':emails': emails,
              ':gsi1pk': KEYS.groups.partition,
              ':gsi1sk': group.email,
            },
          },
        },
        ...added.map((email) => ({ Put: { TableName: ctx.tableName, Item: { ...KEYS.groupEmail(email), groupId: group.id } } })),
      ],
    }),
  );
  for (const email of dropped) await deleteIfOwned(ctx.db, ctx.tableName, KEYS.groupEmail(email), 'groupId', group.id);
  ctx.stats.itemWrites += 1 + added.length + dropped.length;
}

const directItem = (groupId: string, member: GroupMember) => ({
  ...KEYS.directMember(groupId, member.memberKey),
  ...KEYS.memberOfIndexKey(member.memberKey, groupId),
  groupId,
  member,
});
const transitiveItem = (groupId: string, userId: string, direct: boolean) => ({
  ...KEYS.transitiveMembership(userId, groupId),
  ...KEYS.transitiveIndexKey(userId, groupId),
  userId,
  groupId,
  direct,
});

/**
 * Makes one group's stored membership — direct members and every user in it transitively — equal
 * `target`: reads what is stored (two queries), writes only the differences, then records the
 * hashes that let the next run skip the group. Idempotent and stand-alone: a crash before the
 * hashes are written just makes the next run compare again.
 */
export async function applyMembership(ctx: ApplyContext, target: MembershipTarget): Promise<{ added: number; removed: number }> {
  const { db, tableName } = ctx;
  const [storedDirect, storedTransitive] = await Promise.all([
    listDirectMembers(db, tableName, target.groupId),
    listUsersInGroup(db, tableName, target.groupId),
  ]);
  const requests: WriteRequest[] = [];
  const wanted = new Map(target.members.map((m) => [m.memberKey, m]));
  const have = new Map(storedDirect.map((member) => [member.memberKey, member]));
  for (const [key, member] of wanted) {
    const current = have.get(key);
    if (!current || canonicalJson(current) !== canonicalJson(member))
      requests.push({ PutRequest: { Item: directItem(target.groupId, member) } });
  }
  for (const key of have.keys()) if (!wanted.has(key)) requests.push({ DeleteRequest: { Key: KEYS.directMember(target.groupId, key) } });
  const haveTransitive = new Map(storedTransitive.map((i) => [i.userId, i.direct]));
  for (const [userId, direct] of target.transitive) {
    if (haveTransitive.get(userId) !== direct) requests.push({ PutRequest: { Item: transitiveItem(target.groupId, userId, direct) } });
  }
  for (const userId of haveTransitive.keys())
    if (!target.transitive.has(userId)) requests.push({ DeleteRequest: { Key: KEYS.transitiveMembership(userId, target.groupId) } });
  await batchWriteAll(db, tableName, requests);
  await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: KEYS.group(target.groupId),
      // directMembersCount: what group lists show, without a query per group.
      UpdateExpression: 'SET memberHash = :m, transitiveHash = :t, directMembersCount = :c',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':m': target.memberHash, ':t': target.transitiveHash, ':c': target.members.length },
    }),
  );
  ctx.stats.itemWrites += requests.length + 1;
  const removed = requests.filter((r) => 'DeleteRequest' in r).length;
  return { added: requests.length - removed, removed };
}

/** Deletes the items the given queries find (memberships left behind by a deleted user or group). */
async function deleteMatching(ctx: ApplyContext, queries: Parameters<typeof queryAll>[1][]): Promise<void> {
  const found = (
    await Promise.all(queries.map((q) => queryAll<{ pk: string; sk: string }>(ctx.db, { ...q, ProjectionExpression: 'pk, sk' })))
  ).flat();
  const keys = [...new Map(found.map((k) => [`${k.pk}\n${k.sk}`, { pk: k.pk, sk: k.sk }])).values()];
  await batchWriteAll(
    ctx.db,
    ctx.tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
  );
  ctx.stats.itemWrites += keys.length;
}

/** A user Google no longer returns: sessions ended, record kept with its deletion time, memberships removed. */
export async function tombstoneUser(ctx: ApplyContext, user: StoredUser): Promise<void> {
  await ctx.sessions.endUserSessions(user.id);
  const deletedAt = ctx.now();
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: KEYS.user(user.id),
      UpdateExpression: 'SET #user.deletedAt = :at, gsi1pk = :deleted',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#user': 'user' },
      ExpressionAttributeValues: { ':at': deletedAt, ':deleted': KEYS.deletedUsers },
    }),
  );
  ctx.stats.itemWrites += 1;
  await deleteMatching(ctx, [
    { TableName: ctx.tableName, ...prefixQuery(KEYS.groupsOfUser(user.id)) },
    { TableName: ctx.tableName, ...indexQuery(KEYS.memberOf(memberKeyOf('USER', user.id))) },
  ]);
}

/** A group Google no longer returns: record kept with its deletion time, its memberships (both directions) removed. */
export async function tombstoneGroup(ctx: ApplyContext, group: StoredGroup): Promise<void> {
  await deleteMatching(ctx, [
    { TableName: ctx.tableName, ...prefixQuery(KEYS.directMembersOf(group.id)) },
    { TableName: ctx.tableName, ...indexQuery(KEYS.usersInGroup(group.id)) },
    { TableName: ctx.tableName, ...indexQuery(KEYS.memberOf(memberKeyOf('GROUP', group.id))) },
  ]);
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: KEYS.group(group.id),
      UpdateExpression: 'SET #group.deletedAt = :at, gsi1pk = :deleted REMOVE memberHash, transitiveHash',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#group': 'group' },
      ExpressionAttributeValues: { ':at': ctx.now(), ':deleted': KEYS.deletedGroups },
    }),
  );
  ctx.stats.itemWrites += 1;
}

/** Domains and schemas: one small item each, replaced when their content changed. */
export async function applyDirectoryItems(ctx: ApplyContext, plan: Pick<SyncPlan, 'domains' | 'schemas'>): Promise<void> {
  if (plan.domains) {
    await ctx.db.send(
      new PutCommand({ TableName: ctx.tableName, Item: { ...KEYS.domains, domains: plan.domains.domains, hash: plan.domains.hash } }),
    );
    ctx.stats.itemWrites += 1;
  }
  if (plan.schemas) {
    await ctx.db.send(
      new PutCommand({ TableName: ctx.tableName, Item: { ...KEYS.schemas, schemas: plan.schemas.schemas, hash: plan.schemas.hash } }),
    );
    ctx.stats.itemWrites += 1;
  }
}
