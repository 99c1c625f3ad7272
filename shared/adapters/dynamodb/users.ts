import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteIfOwned } from './conditional.js';
import type { DirectoryUser } from '../../domain/directory/model.js';
import { KEYS } from './table-definition.js';

/**
 * Directory users in the table (keys and item shapes: table-definition.ts): the user item, and one
 * email item per address (primary and aliases, lower case) naming the user. Users are read by id
 * only (sign-in by the ID token's `sub`): an address can be recycled or become someone's alias, so
 * nothing here looks a person up by email.
 */

export function userEmails(user: DirectoryUser): string[] {
  return [...new Set([user.primaryEmail, ...user.aliases].map((e) => e.toLowerCase()))];
}

export async function getUserById(db: DynamoDBDocumentClient, tableName: string, id: string): Promise<DirectoryUser | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: KEYS.user(id) }));
  return Item?.user as DirectoryUser | undefined;
}

/**
 * Writes a user and the index entries of addresses new since `previousEmails` (the stored record's)
 * in one transaction, then removes the entries of addresses the user no longer has — each only
 * while it still names this user, since an address can move to another user in the same sync.
 * Unchanged entries are left alone. `attributes` are extra item attributes (sync's hash and index keys).
 */
export async function putUser(
  db: DynamoDBDocumentClient,
  tableName: string,
  user: DirectoryUser,
  previousEmails: readonly string[] = [],
  attributes: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  const emails = userEmails(user);
  const added = emails.filter((e) => !previousEmails.includes(e));
  const dropped = previousEmails.filter((e) => !emails.includes(e));
  await db.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { ...attributes, ...KEYS.user(user.id), user, emails } } },
        ...added.map((email) => ({ Put: { TableName: tableName, Item: { ...KEYS.userEmail(email), userId: user.id } } })),
      ],
    }),
  );
  for (const email of dropped) await deleteIfOwned(db, tableName, KEYS.userEmail(email), 'userId', user.id);
}
