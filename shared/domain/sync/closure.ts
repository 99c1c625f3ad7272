import { memberKeyOf, type FetchedMember, type GroupMember } from '../directory/model.js';

/**
 * Classifies members.list entries against the fetched directory: a USER or GROUP Google lists that
 * is not in this tenant's users or groups (another domain, a consumer account) is EXTERNAL, keyed by
 * address; CUSTOMER stands for every user of the tenant. Duplicates (same key) keep the first.
 */
export function classifyMembers(
  fetched: readonly FetchedMember[],
  userIds: ReadonlySet<string>,
  groupIds: ReadonlySet<string>,
): GroupMember[] {
  const byKey = new Map<string, GroupMember>();
  for (const m of fetched) {
    const role = m.role === 'OWNER' || m.role === 'MANAGER' ? m.role : 'MEMBER';
    let member: GroupMember | undefined;
    if (m.type === 'CUSTOMER' && m.id) member = { memberKey: memberKeyOf('CUSTOMER', m.id), kind: 'CUSTOMER', memberId: m.id, role };
    else if (m.type === 'USER' && m.id && userIds.has(m.id))
      member = { memberKey: memberKeyOf('USER', m.id), kind: 'USER', memberId: m.id, email: m.email, role, status: m.status };
    else if (m.type === 'GROUP' && m.id && groupIds.has(m.id))
      member = { memberKey: memberKeyOf('GROUP', m.id), kind: 'GROUP', memberId: m.id, email: m.email, role };
    else if (m.email)
      member = { memberKey: memberKeyOf('EXTERNAL', m.email), kind: 'EXTERNAL', memberId: m.id, email: m.email, role, status: m.status };
    if (member && !byKey.has(member.memberKey)) byKey.set(member.memberKey, stripUndefined(member));
  }
  return [...byKey.values()].sort((a, b) => (a.memberKey < b.memberKey ? -1 : 1));
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Every directory user in each group, directly or through nested groups, as userId → direct?.
 * Walks the group graph breadth-first per group with a visited set, so cycles (A in B in A) end;
 * a group in a cycle contains everyone of every group on the cycle, itself included. A CUSTOMER
 * member brings in every user of the tenant.
 */
export function transitiveMembers(
  directMembers: ReadonlyMap<string, readonly GroupMember[]>,
  allUserIds: readonly string[],
): Map<string, Map<string, boolean>> {
  const result = new Map<string, Map<string, boolean>>();
  for (const [groupId, members] of directMembers) {
    const users = new Map<string, boolean>();
    for (const m of members) if (m.kind === 'USER' && m.memberId) users.set(m.memberId, true);
    const visited = new Set<string>([groupId]);
    const queue: string[] = [groupId];
    let everyone = false;
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const m of directMembers.get(current) ?? []) {
        if (m.kind === 'CUSTOMER') everyone = true;
        else if (m.kind === 'USER' && m.memberId && !users.has(m.memberId)) users.set(m.memberId, false);
        else if (m.kind === 'GROUP' && m.memberId && !visited.has(m.memberId)) {
          visited.add(m.memberId);
          queue.push(m.memberId);
        }
      }
    }
    if (everyone) for (const id of allUserIds) if (!users.has(id)) users.set(id, false);
    result.set(groupId, users);
  }
  return result;
}
