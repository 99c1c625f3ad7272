/** The Admin SDK Directory API's route table (paths as under https://admin.googleapis.com). */
import type { EmulatorRequest, EmulatorRoute } from '../http.js';
import type { EmulatorModule } from '../module.js';
import type { DirectoryContext } from './context.js';
import { getGroup, hasMember, listDomains, listGroups, listMembers, listSchemas } from './groups.js';
import { getUser, listUsers } from './users.js';

const BASE = '/admin/directory/v1';

export function directoryRoutes(context: DirectoryContext): EmulatorRoute[] {
  const bind = (handler: (c: DirectoryContext, r: EmulatorRequest) => ReturnType<EmulatorRoute['handler']>) => (r: EmulatorRequest) =>
    handler(context, r);
  return [
    { method: 'GET', path: `${BASE}/users`, name: 'directory.users.list', handler: bind(listUsers) },
    { method: 'GET', path: `${BASE}/users/{userKey}`, name: 'directory.users.get', handler: bind(getUser) },
    { method: 'GET', path: `${BASE}/groups`, name: 'directory.groups.list', handler: bind(listGroups) },
    { method: 'GET', path: `${BASE}/groups/{groupKey}`, name: 'directory.groups.get', handler: bind(getGroup) },
    { method: 'GET', path: `${BASE}/groups/{groupKey}/members`, name: 'directory.members.list', handler: bind(listMembers) },
    {
      method: 'GET',
      path: `${BASE}/groups/{groupKey}/hasMember/{memberKey}`,
      name: 'directory.members.hasMember',
      handler: bind(hasMember),
    },
    { method: 'GET', path: `${BASE}/customer/{customer}/domains`, name: 'directory.domains.list', handler: bind(listDomains) },
    { method: 'GET', path: `${BASE}/customer/{customerId}/schemas`, name: 'directory.schemas.list', handler: bind(listSchemas) },
  ];
}

export const directoryModule: EmulatorModule = { name: 'directory', routes: directoryRoutes };
