import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteIfOwned } from './conditional.js';
import type { DirectoryUser } from '../../domain/directory/model.js';

/**
 * Directory users in the table:
 *   user      pk USER#<id>        sk PROFILE   { user: DirectoryUser, emails: string[] }
 *   email     pk EMAIL#<address>  sk USER      { userId }   (primary email and every alias, lower case)
 * Synced users also carry `gsi1pk USERS` / `gsi1sk <primary email>` (every synced user, by email:
 * what people search and directory sync list) and `hash` (content hash, to skip unchanged writes).
 * Sign-in matches by id (= `sub`) with one read, or by email with two.
 */
export const userKey = (id: string) => ({ pk: `USER#${id}`, sk: 'PROFILE' });
export const emailKey = (address: string) => ({ pk: `EMAIL#${address.toLowerCase()}`, sk: 'USER' });

export function userEmails(user: DirectoryUser): string[] {
  return [...new Set([user.primaryEmail, ...user.aliases].map((e) => e.toLowerCase()))];
}

export async function getUserById(db: DynamoDBDocumentClient, tableName: string, id: string): Promise<DirectoryUser | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: userKey(id) }));
  return Item?.user as DirectoryUser | undefined;
}

export async function getUserByEmail(db: DynamoDBDocumentClient, tableName: string, email: string): Promise<DirectoryUser | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: emailKey(email) }));
  return typeof Item?.userId === 'string' ? getUserById(db, tableName, Item.userId) : undefined;
}

/** The index of synced users, by primary email. */
export const USERS_INDEX = { indexName: 'gsi1', partition: 'USERS' } as const;

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
        { Put: { TableName: tableName, Item: { ...attributes, ...userKey(user.id), user, emails } } },
        ...added.map((email) => ({ Put: { TableName: tableName, Item: { ...emailKey(email), userId: user.id } } })),
      ],
    }),
  );
  for (const email of dropped) await deleteIfOwned(db, tableName, emailKey(email), 'userId', user.id);
}
