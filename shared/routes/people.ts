import { getSchemas, groupsOfUserQuery, listGroupsOfUser, type TransitiveMembership } from '../adapters/dynamodb/groups.js';
import type { MembershipGroup, PeopleSearchPage, PersonMatch, Profile } from '../contract/api.js';
import { getUserById } from '../adapters/dynamodb/users.js';
import { sharedProfileOf } from '../domain/directory/model.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import { signedIn, withInput, type AppRoute } from '../http/wrappers.js';
import { isListed, type DirectoryIndex, type PeopleFilter } from '../domain/people/directory-index.js';
import { fold } from '../domain/people/normalize.js';
import { directoryIndex } from '../services/people-index.js';
import { offsetPage, queryPage } from '../http/paging.js';
import { booleanParam, cursorParam, filterParam, pageSize, searchQuery, userIdParam, userIdQuery } from '../http/validate.js';

const notFound = () => new HttpError(404, 'person_not_found', 'No such person in the directory.');

/** The group of a membership as lists show it; undefined for a group the directory index does not list. */
function membershipGroup(index: DirectoryIndex, membership: TransitiveMembership): MembershipGroup | undefined {
  const group = index.groupById(membership.groupId);
  return group && { ...group, direct: membership.direct === true };
}

function searchInput(request: HttpRequest) {
  const filter: PeopleFilter = {
    department: filterParam(request, 'department'),
    location: filterParam(request, 'location'),
    title: filterParam(request, 'title'),
    managerId: userIdQuery(request, 'manager'),
  };
  // Neither words nor filters browses everyone (by name), with the facets to narrow by.
  return { q: searchQuery(request), filter, limit: pageSize(request), cursor: cursorParam(request) };
}

const reportsInput = (request: HttpRequest) => ({ id: userIdParam(request), limit: pageSize(request), cursor: cursorParam(request) });

const groupsInput = (request: HttpRequest) => ({
  id: userIdParam(request),
  transitive: booleanParam(request, 'transitive', true),
  limit: pageSize(request),
  cursor: cursorParam(request),
});

export const peopleRoutes: readonly AppRoute[] = [
  {
    method: 'GET',
    path: '/api/people',
    handler: signedIn(
      withInput(searchInput, async (_request, { deps, input: { q, filter, limit, cursor } }) => {
        const index = await directoryIndex(deps);
        const { positions, facets } = index.findPeople(q, filter);
        const bind = `people|${index.version}|${fold(q ?? '')}|${JSON.stringify(filter)}`;
        const page = await offsetPage(
          deps,
          bind,
          positions.length,
          (i): PersonMatch => {
            const matched = q === undefined ? undefined : index.whyMatched(positions[i]!, q);
            return { ...index.person(positions[i]!), ...(matched ? { matched } : {}) };
          },
          limit,
          cursor,
        );
        const answer: PeopleSearchPage = { ...page, total: positions.length, facets };
        return json(200, answer);
      }),
    ),
  },
  {
    method: 'GET',
    path: '/api/people/{id}',
    handler: signedIn(
      withInput(userIdParam, async (_request, { deps, input: id }) => {
        const { db, config } = deps;
        const [index, user, memberships, schemas] = await Promise.all([
          directoryIndex(deps),
          getUserById(db, config.tableName, id),
          listGroupsOfUser(db, config.tableName, id),
          getSchemas(db, config.tableName),
        ]);
        const summary = user && isListed(user) ? index.personById(id) : undefined;
        if (!user || !summary) throw notFound();
        // Only what colleagues may see (Google's public view); the person's own full record is GET /api/me.
        const seen = sharedProfileOf(user);
        const profile: Profile = {
          ...summary,
          aliases: seen.aliases,
          phones: seen.phones,
          locations: seen.locations,
          keywords: seen.keywords,
          customFields: schemas.flatMap((s) =>
            s.fields
              .filter((f) => f.readAccessType === 'ALL_DOMAIN_USERS' && seen.customSchemas[s.schemaName]?.[f.fieldName] !== undefined)
              .map((f) => ({
                schema: s.schemaName,
                field: f.fieldName,
                label: f.displayName ?? f.fieldName,
                value: seen.customSchemas[s.schemaName]![f.fieldName],
              })),
          ),
          manager: index.managerOf(id) ?? null,
          managerChain: index.managerChain(id),
          directReports: index.directReportsOf(id),
          reportCount: index.reportCount(id),
          groups: memberships.flatMap((m) => membershipGroup(index, m) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
        };
        return json(200, profile);
      }),
    ),
  },
  {
    method: 'GET',
    path: '/api/people/{id}/reports',
    handler: signedIn(
      withInput(reportsInput, async (_request, { deps, input: { id, limit, cursor } }) => {
        const index = await directoryIndex(deps);
        if (!index.personById(id)) throw notFound();
        const reports = index.reportsOf(id);
        return json(
          200,
          await offsetPage(deps, `reports|${index.version}|${id}`, reports.length, (i) => index.orgPerson(reports[i]!), limit, cursor),
        );
      }),
    ),
  },
  {
    method: 'GET',
    path: '/api/people/{id}/groups',
    handler: signedIn(
      withInput(groupsInput, async (_request, { deps, input: { id, transitive, limit, cursor } }) => {
        const index = await directoryIndex(deps);
        if (!index.personById(id)) throw notFound();
        const page = await queryPage<TransitiveMembership, MembershipGroup>(
          deps,
          `person-groups|${id}|${transitive}`,
          groupsOfUserQuery(deps.config.tableName, id, !transitive),
          limit,
          cursor,
          (m) => membershipGroup(index, m),
        );
        return json(200, page);
      }),
    ),
  },
];
