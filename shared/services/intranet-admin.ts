import { getGroupByEmail, isUserInGroup } from '../adapters/dynamodb/groups.js';
import { isIntranetAdmin } from '../domain/access/admin.js';
import type { DirectoryUser } from '../domain/directory/model.js';
import type { Dependencies } from '../runtime/dependencies.js';

/** The admin rule (domain/access) against the directory in the table. */
export function isIntranetAdminInTable(
  user: Pick<DirectoryUser, 'id' | 'isAdmin'>,
  deps: Pick<Dependencies, 'db' | 'config'>,
): Promise<boolean> {
  const { db, config } = deps;
  return isIntranetAdmin(user, config.adminGroupEmail, {
    groupByEmail: (email) => getGroupByEmail(db, config.tableName, email),
    isUserInGroup: (userId, groupId) => isUserInGroup(db, config.tableName, userId, groupId),
  });
}
