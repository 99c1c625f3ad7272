/**
 * The single DynamoDB table of Workspace Bridge, defined once: its keys, indexes and TTL (read by the
 * CDK stack in infra/ and by the local/test table creation, so they cannot drift apart) and every
 * item family's keys (read by every reader and writer: sessions, the directory, sync, the search
 * index, the routes). No key is assembled anywhere else; a test greps the source for the prefixes.
 *
 * Item families share the table and are told apart by key prefixes: every item has `pk` and `sk`;
 * items that need a second access path set `gsi1pk`/`gsi1sk` or `gsi2pk`/`gsi2sk`; short-lived items
 * (sessions, leases, staged sync data) set `expiresAt` in epoch seconds and DynamoDB's TTL removes
 * them (reads must still check it: TTL deletion lags).
 *
 *   session      pk SESSION#<sha256(id)>    sk SESSION             gsi1pk USER_SESSIONS#<userId>  gsi1sk <createdAt>
 *                { user, createdAt, lastSeenAt, absoluteExpiresAt, expiresAt (TTL), device }
 *   user         pk USER#<id>               sk PROFILE             { user: DirectoryUser, emails: string[] }
 *                synced users: gsi1pk USERS  gsi1sk <primary email>, and `hash` (content hash, to skip unchanged writes)
 *   user email   pk EMAIL#<address>         sk USER                { userId }   (primary email and every alias, lower case)
 *   group        pk GROUP#<gid>             sk GROUP               { group, hash, memberHash, transitiveHash }
 *                gsi1pk GROUPS  gsi1sk <email>                     every synced group, by email
 *   group email  pk EMAIL#<address>         sk GROUP               { groupId }   (email and aliases, lower case)
 *   direct       pk GROUP#<gid>             sk MEMBER#<memberKey>  { groupId, member: GroupMember }
 *                gsi1pk MEMBEROF#<memberKey>  gsi1sk GROUP#<gid>   the groups a member is directly in
 *   transitive   pk USER#<uid>              sk INGROUP#<gid>       { userId, groupId, direct }
 *                gsi2pk TMEMBERS#<gid>  gsi2sk USER#<uid>          every user in a group, directly or not
 *   domains      pk DIRECTORY               sk DOMAINS             { domains, hash }
 *   schemas      pk DIRECTORY               sk SCHEMAS             { schemas, hash }
 *   lease        pk SYNC                    sk LEASE               { owner, leaseUntil, expiresAt }
 *   checkpoint   pk SYNC                    sk CHECKPOINT          { runId, owner, phase, chunks, … }
 *   pending      pk SYNC                    sk PENDING             the last refused diff, for an admin
 *   staged       pk SYNCRUN#<runId>         sk CHUNK#<chunkId>#<part>  { data: gzip(JSON of a SnapshotDelta) }
 *   run record   pk SYNCRUNS                sk <startedAt>#<runId> one per run, newest last
 *   index ptr    pk SEARCHINDEX             sk CURRENT             { pointer }
 *   index chunk  pk SEARCHINDEX#<version>   sk CHUNK#<nnnn>        { data }   gzip'd search index, ≤ 350 KB per item
 *   index delta  pk SEARCHINDEX             sk DELTA#P#<uid> | DELTA#G#<gid>  { seq, record | null }  a changed person or
 *                group since the published version (push), overlaid by readers until the next full build
 *   health       pk HEALTH                  sk HEALTH              never written: GET /api/health reads it to see DynamoDB answer
 *   user fetch   pk USERFETCH#<sub>         sk REQUEST             { requestedAt (ms), outcome?, expiresAt (TTL) }  sign-in's one-user fetch
 *   fetch budget pk USERFETCH#BUDGET        sk <epoch minute>      { count, expiresAt (TTL) }  the tenant's one-user fetches per minute
 *   audit        pk AUDIT                   sk <ISO time>#<uuid>   { action, actor, at, ...details }  kept (no TTL)
 *   push channel pk PUSHCHANNEL#<channelId> sk CHANNEL            { channel }  gsi1pk PUSHCHANNELS  gsi1sk <channelId>
 *   push seen    pk PUSHSEEN#<channelId>#<n> sk MESSAGE           { expiresAt (TTL, a day) }  a notification already taken (dedupe)
 *   push stats   pk PUSHSTATS               sk HOUR#<yyyy-mm-ddThh> { notifications, applied, lagsMs[], expiresAt (TTL, a week) }
 *
 * `memberKey` is USER#<id> | GROUP#<id> | CUSTOMER#<customerId> | EXTERNAL#<email> (domain/directory/model.ts).
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

/** The two secondary indexes by purpose; their key attributes are in TABLE above. */
export const INDEX = { gsi1: 'gsi1', gsi2: 'gsi2' } as const;

/** A table key (a type alias, so it passes where the SDK takes a record). */
export type ItemKey = {
  readonly pk: string;
  readonly sk: string;
};

/** A partition and the prefix of the sort keys wanted in it (a `begins_with` query). */
export interface PartitionPrefix {
  readonly pk: string;
  readonly skPrefix: string;
}

/** An index partition: its name and the partition key value. */
export interface IndexPartition {
  readonly indexName: string;
  readonly partition: string;
}

const SESSION_PREFIX = 'SESSION#';
const USER_PREFIX = 'USER#';
const PUSH_STATS_HOUR_PREFIX = 'HOUR#';
const stagedRunPartition = (runId: string) => `SYNCRUN#${runId}`;

/** Every key and index partition of every item family (see the table above). */
export const KEYS = {
  session: (id: string): ItemKey => ({ pk: `${SESSION_PREFIX}${id}`, sk: 'SESSION' }),
  /** A session's public id from its partition key. */
  sessionIdOf: (pk: string): string => pk.slice(SESSION_PREFIX.length),
  /** gsi1: a user's sessions, by creation time. */
  userSessions: (userId: string): IndexPartition => ({ indexName: INDEX.gsi1, partition: `USER_SESSIONS#${userId}` }),

  user: (id: string): ItemKey => ({ pk: `${USER_PREFIX}${id}`, sk: 'PROFILE' }),
  /** A user's directory id from their profile's partition key. */
  userIdOf: (pk: string): string => pk.slice(USER_PREFIX.length),
  userEmail: (address: string): ItemKey => ({ pk: `EMAIL#${address.toLowerCase()}`, sk: 'USER' }),
  /** gsi1: every synced user, by primary email. */
  users: { indexName: INDEX.gsi1, partition: 'USERS' } satisfies IndexPartition,
  /** gsi1 value of a user sync saw deleted: out of the synced-users list, record kept. */
  deletedUsers: 'DELETED_USERS',

  group: (id: string): ItemKey => ({ pk: `GROUP#${id}`, sk: 'GROUP' }),
  groupEmail: (address: string): ItemKey => ({ pk: `EMAIL#${address.toLowerCase()}`, sk: 'GROUP' }),
  /** gsi1: every synced group, by email. */
  groups: { indexName: INDEX.gsi1, partition: 'GROUPS' } satisfies IndexPartition,
  /** gsi1 value of a group sync saw deleted. */
  deletedGroups: 'DELETED_GROUPS',
  directMember: (groupId: string, memberKey: string): ItemKey => ({ pk: `GROUP#${groupId}`, sk: `MEMBER#${memberKey}` }),
  /** A group's direct members. */
  directMembersOf: (groupId: string): PartitionPrefix => ({ pk: `GROUP#${groupId}`, skPrefix: 'MEMBER#' }),
  /** gsi1 key of a direct membership: the groups a member (by memberKey) is directly in. */
  memberOfIndexKey: (memberKey: string, groupId: string) => ({ gsi1pk: `MEMBEROF#${memberKey}`, gsi1sk: `GROUP#${groupId}` }),
  memberOf: (memberKey: string): IndexPartition => ({ indexName: INDEX.gsi1, partition: `MEMBEROF#${memberKey}` }),
  transitiveMembership: (userId: string, groupId: string): ItemKey => ({ pk: `USER#${userId}`, sk: `INGROUP#${groupId}` }),
  /** Every group a user is in, directly or not. */
  groupsOfUser: (userId: string): PartitionPrefix => ({ pk: `USER#${userId}`, skPrefix: 'INGROUP#' }),
  /** gsi2 key of a transitive membership: every user in a group. */
  transitiveIndexKey: (userId: string, groupId: string) => ({ gsi2pk: `TMEMBERS#${groupId}`, gsi2sk: `USER#${userId}` }),
  usersInGroup: (groupId: string): IndexPartition => ({ indexName: INDEX.gsi2, partition: `TMEMBERS#${groupId}` }),
  domains: { pk: 'DIRECTORY', sk: 'DOMAINS' } satisfies ItemKey,
  schemas: { pk: 'DIRECTORY', sk: 'SCHEMAS' } satisfies ItemKey,

  syncLease: { pk: 'SYNC', sk: 'LEASE' } satisfies ItemKey,
  syncCheckpoint: { pk: 'SYNC', sk: 'CHECKPOINT' } satisfies ItemKey,
  syncPending: { pk: 'SYNC', sk: 'PENDING' } satisfies ItemKey,
  stagedChunk: (runId: string, chunkId: string, part: number): ItemKey => ({
    pk: stagedRunPartition(runId),
    sk: `CHUNK#${chunkId}#${String(part).padStart(3, '0')}`,
  }),
  /** The partition of a run's staged chunks. */
  stagedRun: stagedRunPartition,
  runRecords: 'SYNCRUNS',
  runRecord: (startedAt: string, runId: string): ItemKey => ({ pk: 'SYNCRUNS', sk: `${startedAt}#${runId}` }),

  searchIndexPointer: { pk: 'SEARCHINDEX', sk: 'CURRENT' } satisfies ItemKey,
  searchIndexChunk: (version: string, n: number): ItemKey => ({ pk: `SEARCHINDEX#${version}`, sk: `CHUNK#${String(n).padStart(4, '0')}` }),
  searchIndexDelta: (kind: 'person' | 'group', id: string): ItemKey => ({
    pk: 'SEARCHINDEX',
    sk: `DELTA#${kind === 'person' ? 'P' : 'G'}#${id}`,
  }),
  searchIndexDeltas: { pk: 'SEARCHINDEX', skPrefix: 'DELTA#' } satisfies PartitionPrefix,

  health: { pk: 'HEALTH', sk: 'HEALTH' } satisfies ItemKey,

  /** Sign-in's request to fetch one person (by the ID token's `sub`) from Google. */
  userFetchRequest: (sub: string): ItemKey => ({ pk: `USERFETCH#${sub}`, sk: 'REQUEST' }),
  /** The tenant's count of one-user fetches started in one epoch minute. */
  userFetchBudget: (minute: number): ItemKey => ({ pk: 'USERFETCH#BUDGET', sk: String(minute) }),
  /** An audit entry: sorted by time, a uuid apart when two share a millisecond. */
  auditEntry: (at: string, id: string): ItemKey => ({ pk: 'AUDIT', sk: `${at}#${id}` }),
  auditLog: 'AUDIT',

  /** A push notification channel (Google's watch). */
  pushChannel: (channelId: string): ItemKey => ({ pk: `PUSHCHANNEL#${channelId}`, sk: 'CHANNEL' }),
  /** gsi1: every push channel, for the channel manager and the health view. */
  pushChannels: { indexName: INDEX.gsi1, partition: 'PUSHCHANNELS' } satisfies IndexPartition,
  /** A notification's message number already taken on a channel (duplicates and replays do nothing). */
  pushSeenMessage: (channelId: string, messageNumber: number): ItemKey => ({ pk: `PUSHSEEN#${channelId}#${messageNumber}`, sk: 'MESSAGE' }),
  pushStats: 'PUSHSTATS',
  /** One hour's push counters; the sort key orders hours. */
  pushStatsHour: (at: Date): ItemKey => ({ pk: 'PUSHSTATS', sk: `${PUSH_STATS_HOUR_PREFIX}${at.toISOString().slice(0, 13)}` }),
  /** The hour (yyyy-mm-ddThh) of a push stats item from its sort key. */
  pushStatsHourOf: (sk: string): string => sk.slice(PUSH_STATS_HOUR_PREFIX.length),
} as const;

/** The key condition of a `begins_with` query of one partition: spread into a QueryCommand's input. */
export function prefixQuery(target: PartitionPrefix): {
  KeyConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  return {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': target.pk, ':prefix': target.skPrefix },
  };
}

/** The key condition of a query of one partition from a sort key on (`sk >= from`, in sort order). */
export function fromSortKeyQuery(
  pk: string,
  fromSk: string,
): { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } {
  return { KeyConditionExpression: 'pk = :pk AND sk >= :from', ExpressionAttributeValues: { ':pk': pk, ':from': fromSk } };
}

/** The key condition of a query of one whole partition of the table. */
export function partitionQuery(pk: string): { KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> } {
  return { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } };
}

/** The index and key condition of a query of one index partition: spread into a QueryCommand's input. */
export function indexQuery(target: IndexPartition): {
  IndexName: string;
  KeyConditionExpression: string;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const index = TABLE.globalSecondaryIndexes.find((i) => i.indexName === target.indexName);
  if (!index) throw new Error(`No index ${target.indexName} in the table definition.`);
  return {
    IndexName: index.indexName,
    KeyConditionExpression: `${index.partitionKey.name} = :pk`,
    ExpressionAttributeValues: { ':pk': target.partition },
  };
}
