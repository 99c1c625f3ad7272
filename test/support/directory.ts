import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { getUserById, putUser } from '../../shared/adapters/dynamodb/users.js';
import { KEYS } from '../../shared/adapters/dynamodb/table-definition.js';
import type { DirectoryUser, SharedProfile } from '../../shared/domain/directory/model.js';
import type { TestTable } from './dynamodb.js';

/**
 * A directory user with plausible defaults, for tests that seed the table directly. Unless `shared` is given, colleagues see every profile field (a domain that
 * shares all of them, the user in the directory): tests of what they may not see say so.
 */
export function makeUser(overrides: Partial<DirectoryUser> & Pick<DirectoryUser, 'id' | 'primaryEmail'>): DirectoryUser {
  const user: DirectoryUser = {
    aliases: [],
    name: { fullName: 'Test User', givenName: 'Test', familyName: 'User' },
    locations: [],
    phones: [],
    keywords: [],
    customSchemas: {},
    suspended: false,
    archived: false,
    isAdmin: false,
    visibleInDirectory: true,
    ...overrides,
  };
  if ('shared' in overrides) return user;
  const { aliases, title, department, locations, phones, managerEmail, keywords, customSchemas } = user;
  return {
    ...user,
    shared: JSON.parse(
      JSON.stringify({ aliases, title, department, locations, phones, managerEmail, keywords, customSchemas }),
    ) as SharedProfile,
  };
}

/** User `n` of a numbered directory (id 1000+n, person<n>@example.com, "Person <n>"), as the search index tests seed it. */
export const numberedUser = (n: number, extra: Partial<DirectoryUser> = {}): DirectoryUser =>
  makeUser({
    id: String(1000 + n),
    primaryEmail: `person${n}@example.com`,
    name: { fullName: `Person ${n}`, givenName: 'Person', familyName: String(n) },
    ...extra,
  });

/** A user stored as sync stores them: with no groups, listed in the users' GSI partition by email. */
export const putSyncedUser = (table: TestTable, user: DirectoryUser) =>
  putUser(table.db, table.tableName, user, [], { gsi1pk: KEYS.users.partition, gsi1sk: user.primaryEmail });

/**
 * The user an address's index item (`EMAIL#<address>` / `USER`) names, read as a test's check of
 * that index: the intranet itself never looks a person up by email (identity is the immutable id).
 */
export async function getUserByEmail(db: DynamoDBDocumentClient, tableName: string, email: string): Promise<DirectoryUser | undefined> {
  const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { pk: `EMAIL#${email.toLowerCase()}`, sk: 'USER' } }));
  return typeof Item?.userId === 'string' ? getUserById(db, tableName, Item.userId) : undefined;
}
