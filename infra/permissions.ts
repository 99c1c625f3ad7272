/**
 * What each function's role may do, by function name: the single place that says which function
 * reads which secret and which DynamoDB calls it makes. A catalog entry without a profile stops
 * synth (no function gets permissions by guesswork).
 *
 * The table grants list exactly the commands the code reachable from each handler sends (follow
 * the imports of functions/<name>.ts to every `…Command(` in shared/): a new DynamoDB call needs
 * its action here, or it fails in AWS with AccessDenied (DynamoDB Local does not check IAM).
 */
import { KEYS, type ItemKey } from '../shared/adapters/dynamodb/table-definition.js';

export type SecretName = 'sessionKeys' | 'serviceAccountKey' | 'googleClientSecret';

/**
 * DynamoDB item actions, as IAM names them. A TransactWriteItems call needs the action of each of
 * its parts (a Put part needs PutItem). Never Scan, never table management.
 */
export type TableAction =
  'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

/** The table's global secondary indexes (shared/adapters/dynamodb/table-definition.ts; a profile naming another stops synth). */
export type IndexName = 'gsi1' | 'gsi2';

export interface TableGrant {
  /** Actions on the table itself; `Query` here means queries of the base table. */
  readonly actions: readonly TableAction[];
  /** Indexes the code queries: each gets `dynamodb:Query` and nothing else. */
  readonly queriedIndexes: readonly IndexName[];
  /**
   * Partition keys (IAM `StringLike` patterns, built from the table layout's key builders) that
   * every write action is limited to through `dynamodb:LeadingKeys`; unset: writes anywhere (the
   * sync, which owns the directory). Reads stay unconditioned unless `readsUnder` says otherwise:
   * the API reads nearly every family.
   */
  readonly writesUnder?: readonly string[];
  /** Partition key patterns that every item read (GetItem, BatchGetItem, Query of the table) is limited to; unset: reads anywhere. */
  readonly readsUnder?: readonly string[];
}

/** The partition key pattern of a key builder: its value for the id `*`. */
const partitionsOf = (key: ItemKey): string => key.pk;
const SESSIONS = partitionsOf(KEYS.session('*'));
const USER_FETCHES = partitionsOf(KEYS.userFetchRequest('*'));
const AUDIT = partitionsOf(KEYS.auditEntry('*', '*'));
const PUSH_CHANNELS = partitionsOf(KEYS.pushChannel('*'));
/** Seen-message items of any channel and any message number (the key builder takes a number, so its `0` becomes `*`). */
const PUSH_SEEN = partitionsOf(KEYS.pushSeenMessage('*', 0)).replace(/#0$/, '#*');

export interface PermissionProfile {
  /** The DynamoDB calls it makes; `undefined`: it never touches the table, so no grant at all. */
  readonly table: TableGrant | undefined;
  readonly secrets: readonly SecretName[];
  /** May invoke the sync function (an admin's "run now", sign-in's one-user fetch); it gets SYNC_FUNCTION_NAME. */
  readonly invokesSync?: boolean;
  /** Reads the directory API's settings (admin group, enabled integrations); it gets them (config.ts, apiSettingsEnvironment). */
  readonly readsApiSettings?: boolean;
  /** Sends verified push changes to the push queue (sqs:SendMessage on that queue only); it gets PUSH_QUEUE_URL. */
  readonly sendsPushChanges?: boolean;
}

export const HTTP_FUNCTION_PERMISSIONS: Readonly<Record<string, PermissionProfile>> = {
  // Starts sign-in: seals the transaction (state, nonce, PKCE verifier) into a cookie with the key
  // ring. No server state, so no table access (shared/services/sign-in/login.ts sends no DynamoDB command).
  'auth-login': { table: undefined, secrets: ['sessionKeys'] },
  // Finishes sign-in: exchanges the code with the client secret, finds the user (GetItem by id),
  // creates the session (PutItem) and ends the browser's previous one (DeleteItem). For an id the
  // directory does not hold it claims a one-user fetch (GetItem, UpdateItem on the budget, PutItem)
  // and invokes the sync function with { fetchUser }: the sync, not sign-in, holds the Google key.
  // Its writes: sessions, and one-user fetch requests and their per-minute budget (USERFETCH#…).
  'auth-callback': {
    table: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queriedIndexes: [], writesUnder: [SESSIONS, USER_FETCHES] },
    secrets: ['sessionKeys', 'googleClientSecret'],
    invokesSync: true,
  },
  // Logout and logout-everywhere: reads the session (GetItem, UpdateItem when touching it,
  // DeleteItem when expired), ends it or every session of the user (Query on gsi1, DeleteItem).
  'auth-session': {
    table: { actions: ['GetItem', 'UpdateItem', 'DeleteItem'], queriedIndexes: ['gsi1'], writesUnder: [SESSIONS] },
    secrets: ['sessionKeys'],
  },
  // Every /api/* route: the session guard (GetItem, UpdateItem, DeleteItem), directory reads
  // (GetItem; BatchGetItem for access checks and the search index chunks; Query on the table,
  // on gsi1 for a user's sessions and gsi2 for a group's members), ending sessions (DeleteItem),
  // run records and the pending diff (Query, GetItem), and an audit entry when an admin signs
  // everyone out (PutItem). It writes nothing else: the sync owns the directory. Signs list
  // cursors with the key ring, and starts a sync run when an admin asks.
  api: {
    // Writes only sessions and audit entries: a flaw in a route cannot rewrite the directory or the sync's lease.
    table: {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      queriedIndexes: ['gsi1', 'gsi2'],
      writesUnder: [SESSIONS, AUDIT],
    },
    secrets: ['sessionKeys'],
    invokesSync: true,
    readsApiSettings: true,
  },
  // Google's push notifications: reads the channel (GetItem), takes the message number once
  // (PutItem, conditional; DeleteItem to give it back when the work could not be queued), notes
  // the channel's last message (UpdateItem), and sends the work to the push queue. Reads only
  // channel items and writes only channel and seen-message items; never reads a secret, never calls Google.
  'push-receiver': {
    table: {
      actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
      queriedIndexes: [],
      writesUnder: [PUSH_CHANNELS, PUSH_SEEN],
      readsUnder: [PUSH_CHANNELS],
    },
    secrets: [],
    sendsPushChanges: true,
  },
};

/**
 * The scheduled directory sync, the only reader of the service-account key (key mode; see syncPermissions). Lease, checkpoint,
 * staged chunks, run records and pending diff (PutItem, GetItem, DeleteItem, BatchWriteItem,
 * Query; a run record is written in a transaction with a ConditionCheckItem on the lease, so an
 * invocation that lost the lease cannot overwrite it); the directory (Query on the table, gsi1 and gsi2; transactions of Put and Update parts;
 * UpdateItem, DeleteItem, BatchWriteItem); sessions of changed users (Query on gsi1, UpdateItem,
 * DeleteItem); the search index (GetItem, UpdateItem, PutItem, BatchWriteItem). It never batch-reads.
 */
export const SYNC_PERMISSIONS: PermissionProfile = {
  table: {
    actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'],
    queriedIndexes: ['gsi1', 'gsi2'],
  },
  secrets: ['serviceAccountKey'],
};

/**
 * The push worker (functions/push-worker.ts): the full sync's apply steps for one user or group at
 * a time, so the directory, memberships, sessions of changed users and the search index (GetItem,
 * BatchGetItem for stored members, Query on the table, gsi1 and gsi2, transactions of Put and Update
 * parts, UpdateItem, DeleteItem, BatchWriteItem), and the hour's push counters (UpdateItem). The
 * Google key in key mode. Its queue messages come through its event source, not the role's policy
 * alone (the event source mapping's grants are asserted by the template tests).
 */
export const PUSH_WORKER_PERMISSIONS: PermissionProfile = {
  table: {
    actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem'],
    queriedIndexes: ['gsi1', 'gsi2'],
  },
  secrets: ['serviceAccountKey'],
};

/**
 * The channel manager (functions/push-channels.ts): lists the channels (Query on gsi1), stores,
 * activates, stops and forgets them (PutItem, UpdateItem, DeleteItem: channel items only), and reads
 * push health for its metrics (Query of the push counters and run records). The Google key in key mode.
 */
export const PUSH_CHANNELS_PERMISSIONS: PermissionProfile = {
  table: { actions: ['Query', 'PutItem', 'UpdateItem', 'DeleteItem'], queriedIndexes: ['gsi1'], writesUnder: [PUSH_CHANNELS] },
  secrets: ['serviceAccountKey'],
};

/** Keyless (Workload Identity Federation), a function that calls Google reads no secret: its AWS role is its credential. */
export function withGoogleCredentials(
  profile: PermissionProfile,
  googleCredentials: 'service-account-key' | 'workload-identity',
): PermissionProfile {
  return googleCredentials === 'workload-identity'
    ? { ...profile, secrets: profile.secrets.filter((s) => s !== 'serviceAccountKey') }
    : profile;
}

export function syncPermissions(googleCredentials: 'service-account-key' | 'workload-identity'): PermissionProfile {
  return withGoogleCredentials(SYNC_PERMISSIONS, googleCredentials);
}

export function permissionsFor(functionName: string): PermissionProfile {
  const profile = HTTP_FUNCTION_PERMISSIONS[functionName];
  if (!profile) {
    throw new Error(
      `Function "${functionName}" from functions/catalog.ts has no permission profile: add it to HTTP_FUNCTION_PERMISSIONS in infra/permissions.ts.`,
    );
  }
  return profile;
}
