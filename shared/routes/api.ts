import { accountRoutes } from './me.js';
import { checkHealth } from '../adapters/dynamodb/health.js';
import { json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { webConfigRoute } from './config.js';
import { accessRoutes } from './access.js';
import { adminRoutes } from './admin.js';
import { groupRoutes } from './groups.js';
import { peopleRoutes } from './people.js';

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
export const API_ROUTES: readonly Route[] = [healthRoute, webConfigRoute, ...accountRoutes, ...peopleRoutes, ...groupRoutes, ...accessRoutes, ...adminRoutes];
