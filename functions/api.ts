import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { API_ROUTES } from '../shared/routes/api.js';
import { routeContext } from '../shared/runtime/dependencies.js';

/** The API function: every `/api/*` route (health, config, me, people, groups, access, admin). */
export const handler = lambdaHttp(createRouter(API_ROUTES, routeContext()));
