import { API_ROUTES } from '../shared/routes/api.js';
import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** The API function: every `/api/*` route (health, me, people, groups, access, admin). */
export const handler = lambdaHttp(createRouter(API_ROUTES));
