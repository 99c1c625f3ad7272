import { checkHealth } from '../adapters/dynamodb/health.js';
import { json } from '../http/http.js';
import type { AppRoute } from '../http/wrappers.js';

/** GET /api/health: public; 503 while DynamoDB does not answer. */
export const healthRoute: AppRoute = {
  method: 'GET',
  path: '/api/health',
  handler: async (_request, { deps: { db, config } }) => {
    const report = await checkHealth(db, config.tableName);
    return json(report.status === 'ok' ? 200 : 503, report);
  },
};
