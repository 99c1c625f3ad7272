import { accountRoutes } from '../auth/account-routes.js';
import { checkHealth } from '../health/health.js';
import { json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { webConfigRoute } from '../web-config/web-config.js';
import { accessRoutes } from './access-routes.js';
import { adminRoutes } from './admin-routes.js';
import { groupRoutes } from './group-routes.js';
import { peopleRoutes } from './people-routes.js';
import { pushAdminRoutes } from '../push/routes.js';

const healthRoute: Route = {
  method: 'GET',
  path: '/api/health',
  handler: async () => {
    const { db, config } = dependencies();
    const report = await checkHealth(db, config.tableName);
    return json(report.status === 'ok' ? 200 : 503, report);
  },
};

/** Every route of the API function: the router serves them, and a test holds docs/openapi.json to them. */
export const API_ROUTES: readonly Route[] = [healthRoute, webConfigRoute, ...accountRoutes, ...peopleRoutes, ...groupRoutes, ...accessRoutes, ...adminRoutes, ...pushAdminRoutes(dependencies)];
