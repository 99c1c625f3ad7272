import { describe, expect, it } from 'vitest';
import { getUserById, putUser, userEmails } from '../../shared/adapters/dynamodb/users.js';
import { getUserByEmail, makeUser } from '../support/directory.js';
import { freshTable } from '../support/dynamodb.js';

describe('directory users', () => {
  it('finds a user by id, by primary email and by alias, case-insensitively', async () => {
    const { db, tableName } = await freshTable();
    const user = makeUser({ id: '1001', primaryEmail: 'José.Álvarez@example.com', aliases: ['jose@example.org'] });
    await putUser(db, tableName, user);
    expect(await getUserById(db, tableName, '1001')).toEqual(user);
    expect((await getUserByEmail(db, tableName, 'josé.álvarez@EXAMPLE.com'))?.id).toBe('1001');
    expect((await getUserByEmail(db, tableName, 'JOSE@example.org'))?.id).toBe('1001');
    expect(await getUserByEmail(db, tableName, 'nobody@example.com')).toBeUndefined();
  });

  it('drops index entries for addresses a user no longer has', async () => {
    const { db, tableName } = await freshTable();
    const before = makeUser({ id: '2002', primaryEmail: 'a@example.com', aliases: ['old@example.com'] });
    await putUser(db, tableName, before);
    await putUser(db, tableName, { ...before, aliases: ['new@example.com'] }, userEmails(before));
    expect(await getUserByEmail(db, tableName, 'old@example.com')).toBeUndefined();
    expect((await getUserByEmail(db, tableName, 'new@example.com'))?.id).toBe('2002');
  });
});
