import { accountRoutes } from '../shared/auth/account-routes.js';
import { checkHealth } from '../shared/health/health.js';
import { json } from '../shared/http/http.js';
import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { dependencies } from '../shared/runtime/dependencies.js';
import { webConfig } from '../shared/web-config/web-config.js';

/** The API function: every `/api/*` route. */
export const handler = lambdaHttp(
  createRouter([
    {
      method: 'GET',
      path: '/api/health',
      handler: async () => {
        const { db, config } = dependencies();
        const report = await checkHealth(db, config.tableName);
        return json(report.status === 'ok' ? 200 : 503, report);
      },
    },
    ...accountRoutes,
    {
      method: 'GET',
      path: '/api/config',
      // Public and the same for everyone: cacheable briefly, so a config change reaches browsers within minutes.
      handler: async () => json(200, webConfig(dependencies().config), { headers: { 'cache-control': 'public, max-age=300' } }),
    },
  ]),
);
