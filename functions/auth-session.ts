import { sessionRoutes } from '../shared/routes/auth.js';
import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** The rest of /auth/*: POST /auth/logout and POST /auth/logout-everywhere. */
export const handler = lambdaHttp(createRouter(sessionRoutes));
