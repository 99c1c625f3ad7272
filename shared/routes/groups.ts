import type { DirectMember } from '../contract/api.js';
import type { GroupMember } from '../domain/directory/model.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import { signedIn, withInput, type AppRoute } from '../http/wrappers.js';
import type { DirectoryIndex, GroupSummary, PersonSummary } from '../domain/people/directory-index.js';
import { fold } from '../domain/people/normalize.js';
import { directoryIndex } from '../services/people-index.js';
import { offsetPage, queryPage } from '../http/paging.js';
import { booleanParam, cursorParam, groupIdParam, pageSize, searchQuery } from '../http/validate.js';
import { directMembersQuery, usersInGroupQuery } from '../adapters/dynamodb/groups.js';

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

const listInput = (request: HttpRequest) => ({ q: searchQuery(request), limit: pageSize(request), cursor: cursorParam(request) });

const membersInput = (request: HttpRequest) => ({
  id: groupIdParam(request),
  transitive: booleanParam(request, 'transitive', false),
  limit: pageSize(request),
  cursor: cursorParam(request),
});

export const groupRoutes: readonly AppRoute[] = [
  {
    method: 'GET',
    path: '/api/groups',
    handler: signedIn(
      withInput(listInput, async (_request, { deps, input: { q, limit, cursor } }) => {
        const index = await directoryIndex(deps);
        if (q === undefined) {
          return json(200, await offsetPage(deps, `groups|${index.version}|`, index.groupCount, (i) => index.group(i), limit, cursor));
        }
        const found = index.searchGroups(q);
        return json(
          200,
          await offsetPage(deps, `groups|${index.version}|${fold(q)}`, found.length, (i) => index.group(found[i]!), limit, cursor),
        );
      }),
    ),
  },
  {
    method: 'GET',
    path: '/api/groups/{id}',
    handler: signedIn(
      withInput(groupIdParam, async (_request, { deps, input: id }) => json(200, await existingGroup(await directoryIndex(deps), id))),
    ),
  },
  {
    method: 'GET',
    path: '/api/groups/{id}/members',
    handler: signedIn(
      withInput(membersInput, async (_request, { deps, input: { id, transitive, limit, cursor } }) => {
        const index = await directoryIndex(deps);
        await existingGroup(index, id);
        const table = deps.config.tableName;
        if (transitive) {
          return json(
            200,
            await queryPage<{ userId: string; direct?: boolean }, PersonSummary & { direct: boolean }>(
              deps,
              `members|${id}|true`,
              usersInGroupQuery(table, id),
              limit,
              cursor,
              (m) => {
                const person = index.personById(m.userId);
                return person && { ...person, direct: m.direct === true };
              },
            ),
          );
        }
        return json(
          200,
          await queryPage<{ member: GroupMember }, DirectMember>(
            deps,
            `members|${id}|false`,
            directMembersQuery(table, id),
            limit,
            cursor,
            (i) => directMember(index, i.member),
          ),
        );
      }),
    ),
  },
];
