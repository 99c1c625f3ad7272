import { requireSession } from '../http/guard.js';
import { getSchemas, listGroupsOfUser, type TransitiveMembership } from '../adapters/dynamodb/groups.js';
import type { DirectoryUser } from '../domain/directory/model.js';
import { getUserById } from '../adapters/dynamodb/users.js';
import { HttpError, json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { isListed, type DirectoryIndex, type GroupSummary, type PersonSummary } from '../domain/people/directory-index.js';
import { fold } from '../domain/people/normalize.js';
import { dependencies } from '../runtime/dependencies.js';
import { directoryIndex } from '../services/people-index.js';
import { offsetPage, queryPage } from '../http/paging.js';
import { booleanParam, cursorParam, pageSize, searchQuery, userIdParam } from '../http/validate.js';

export interface Profile extends PersonSummary {
  readonly aliases: readonly string[];
  readonly phones: DirectoryUser['phones'];
  readonly locations: DirectoryUser['locations'];
  readonly keywords: readonly string[];
  /** Custom schema fields every user of the domain may read. */
  readonly customFields: readonly { readonly schema: string; readonly field: string; readonly label: string; readonly value: unknown }[];
  readonly manager: PersonSummary | null;
  readonly directReports: readonly PersonSummary[];
  /** Every group the person is in, directly or through nested groups, by name. */
  readonly groups: readonly (GroupSummary & { readonly direct: boolean })[];
}

export type MembershipGroup = GroupSummary & { readonly direct: boolean };

const notFound = () => new HttpError(404, 'person_not_found', 'No such person in the directory.');

/** The group of a membership as lists show it; undefined for a group the directory index does not list. */
function membershipGroup(index: DirectoryIndex, membership: TransitiveMembership): MembershipGroup | undefined {
  const group = index.groupById(membership.groupId);
  return group && { ...group, direct: membership.direct === true };
}

export const peopleRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/people',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const q = searchQuery(request, { required: true })!;
      const limit = pageSize(request);
      const cursor = cursorParam(request);
      const index = await directoryIndex(deps);
      const found = index.searchPeople(q);
      return json(200, await offsetPage(deps, `people|${index.version}|${fold(q)}`, found.length, (i) => index.person(found[i]!), limit, cursor));
    },
  },
  {
    method: 'GET',
    path: '/api/people/{id}',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const id = userIdParam(request);
      const { db, config } = deps;
      const [index, user, memberships, schemas] = await Promise.all([
        directoryIndex(deps), getUserById(db, config.tableName, id), listGroupsOfUser(db, config.tableName, id), getSchemas(db, config.tableName),
      ]);
      const summary = user && isListed(user) ? index.personById(id) : undefined;
      if (!user || !summary) throw notFound();
      const profile: Profile = {
        ...summary,
        aliases: user.aliases,
        phones: user.phones,
        locations: user.locations,
        keywords: user.keywords,
        customFields: schemas.flatMap((s) => s.fields
          .filter((f) => f.readAccessType === 'ALL_DOMAIN_USERS' && user.customSchemas[s.schemaName]?.[f.fieldName] !== undefined)
          .map((f) => ({ schema: s.schemaName, field: f.fieldName, label: f.displayName ?? f.fieldName, value: user.customSchemas[s.schemaName]![f.fieldName] }))),
        manager: index.managerOf(id) ?? null,
        directReports: index.directReportsOf(id),
        groups: memberships.flatMap((m) => membershipGroup(index, m) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
      };
      return json(200, profile);
    },
  },
  {
    method: 'GET',
    path: '/api/people/{id}/groups',
    handler: async (request) => {
      const deps = dependencies();
      await requireSession(request, deps);
      const id = userIdParam(request);
      const transitive = booleanParam(request, 'transitive', true);
      const limit = pageSize(request);
      const cursor = cursorParam(request);
      const index = await directoryIndex(deps);
      if (!index.personById(id)) throw notFound();
      const page = await queryPage<TransitiveMembership, MembershipGroup>(deps, `person-groups|${id}|${transitive}`, {
        TableName: deps.config.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ...(transitive ? {} : { FilterExpression: '#direct = :yes' }),
        ExpressionAttributeValues: { ':pk': `USER#${id}`, ':prefix': 'INGROUP#', ...(transitive ? {} : { ':yes': true }) },
        ProjectionExpression: 'userId, groupId, #direct',
        ExpressionAttributeNames: { '#direct': 'direct' },
      }, limit, cursor, (m) => membershipGroup(index, m));
      return json(200, page);
    },
  },
];
