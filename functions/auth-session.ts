import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { sessionRoutes } from '../shared/routes/sign-out.js';
import { routeContext } from '../shared/runtime/dependencies.js';

/** The rest of /auth/*: POST /auth/logout and POST /auth/logout-everywhere. */
export const handler = lambdaHttp(createRouter(sessionRoutes, routeContext()));
