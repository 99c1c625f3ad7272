import { requireSession } from '../http/guard.js';
import type { GroupMember } from '../domain/directory/model.js';
import { HttpError, json } from '../http/http.js';
import type { Route } from '../http/router.js';
import type { DirectoryIndex, GroupSummary, PersonSummary } from '../domain/people/directory-index.js';
import { fold } from '../domain/people/normalize.js';
import { dependencies } from '../runtime/dependencies.js';
import { directoryIndex } from '../services/people-index.js';
import { offsetPage, queryPage } from '../http/paging.js';
import { booleanParam, cursorParam, groupIdParam, pageSize, searchQuery } from '../http/validate.js';

/** A direct member: a listed person, a nested group, the whole tenant, or an address outside the directory. */
export type DirectMember =
  | ({ readonly kind: 'USER'; readonly role: GroupMember['role'] } & PersonSummary)
  | ({ readonly kind: 'GROUP'; readonly role: GroupMember['role'] } & GroupSummary)
  | { readonly kind: 'CUSTOMER'; readonly role: GroupMember['role'] }
  | { readonly kind: 'EXTERNAL'; readonly role: GroupMember['role']; readonly email: string };

function directMember(index: DirectoryIndex, member: GroupMember): DirectMember | undefined {
  const id = member.memberKey.slice(member.memberKey.indexOf('#') + 1);
  switch (member.kind) {
    case 'USER': {
      // Hidden, suspended and deleted users stay out of member lists as they do out of search.
      const person = index.personById(id);
      return person && { kind: 'USER', role: member.role, ...person };
    }
    case 'GROUP': {
      const group = index.groupById(id);
      return group && { kind: 'GROUP', role: member.role, ...group };
    }
    case 'CUSTOMER':
      return { kind: 'CUSTOMER', role: member.role };
    case 'EXTERNAL':
      return { kind: 'EXTERNAL', role: member.role, email: member.email ?? id };
  }
}

async function existingGroup(index: DirectoryIndex, id: string): Promise<GroupSummary> {
  const group = index.groupById(id);
  if (!group) throw new HttpError(404, 'group_not_found', 'No such group in the directory.');
  return group;
}

export const groupRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/groups',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const q = searchQuery(request, { required: false });
      const limit = pageSize(request);
      const cursor = cursorParam(request);
      const index = await directoryIndex(deps);
      if (q === undefined) {
        return json(200, await offsetPage(deps, `groups|${index.version}|`, index.groupCount, (i) => index.group(i), limit, cursor));
      }
      const found = index.searchGroups(q);
      return json(200, await offsetPage(deps, `groups|${index.version}|${fold(q)}`, found.length, (i) => index.group(found[i]!), limit, cursor));
    },
  },
  {
    method: 'GET',
    path: '/api/groups/{id}',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const id = groupIdParam(request);
      return json(200, await existingGroup(await directoryIndex(deps), id));
    },
  },
  {
    method: 'GET',
    path: '/api/groups/{id}/members',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const id = groupIdParam(request);
      const transitive = booleanParam(request, 'transitive', false);
      const limit = pageSize(request);
      const cursor = cursorParam(request);
      const index = await directoryIndex(deps);
      await existingGroup(index, id);
      const table = deps.config.tableName;
      if (transitive) {
        return json(200, await queryPage<{ userId: string; direct?: boolean }, PersonSummary & { direct: boolean }>(deps, `members|${id}|true`, {
          TableName: table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': `TMEMBERS#${id}` }, ProjectionExpression: 'userId, #direct', ExpressionAttributeNames: { '#direct': 'direct' },
        }, limit, cursor, (m) => {
          const person = index.personById(m.userId);
          return person && { ...person, direct: m.direct === true };
        }));
      }
      return json(200, await queryPage<{ member: GroupMember }, DirectMember>(deps, `members|${id}|false`, {
        TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': `GROUP#${id}`, ':prefix': 'MEMBER#' }, ProjectionExpression: '#member', ExpressionAttributeNames: { '#member': 'member' },
      }, limit, cursor, (i) => directMember(index, i.member)));
    },
  },
];
