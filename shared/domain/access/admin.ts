import type { DirectoryGroup, DirectoryUser } from '../directory/model.js';

/** The two reads the admin rule may need, by whatever store holds the directory. */
export interface AdminGroupLookup {
  readonly groupByEmail: (email: string) => Promise<Pick<DirectoryGroup, 'id' | 'deletedAt'> | undefined>;
  /** Directly or through nesting. */
  readonly isUserInGroup: (userId: string, groupId: string) => Promise<boolean>;
}

/**
 * Who is an intranet admin, the one rule for the admin routes and for what GET /api/me tells the
 * web client: a Workspace admin (from the session's directory record, no read), or a member,
 * directly or through nesting, of ADMIN_GROUP_EMAIL when configured. Only that second case reads:
 * three GetItems (the group's email item, the group, the membership), so a deployment without
 * ADMIN_GROUP_EMAIL, and every Workspace admin, stays at the session's one read per request.
 */
export async function isIntranetAdmin(
  user: Pick<DirectoryUser, 'id' | 'isAdmin'>,
  adminGroupEmail: string | undefined,
  groups: AdminGroupLookup,
): Promise<boolean> {
  if (user.isAdmin) return true;
  if (!adminGroupEmail) return false;
  const group = await groups.groupByEmail(adminGroupEmail);
  return group !== undefined && !group.deletedAt && (await groups.isUserInGroup(user.id, group.id));
}
