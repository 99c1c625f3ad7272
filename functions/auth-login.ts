import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { loginRoute } from '../shared/routes/sign-in.js';
import { routeContext } from '../shared/runtime/dependencies.js';

/** GET /auth/login: starts Sign in with Google. */
export const handler = lambdaHttp(createRouter([loginRoute], routeContext()));
