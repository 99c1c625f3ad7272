import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { callbackRoute } from '../shared/routes/sign-in.js';
import { routeContext } from '../shared/runtime/dependencies.js';

/** GET /auth/callback: Google sends the browser back here; on success it leaves with a session. */
export const handler = lambdaHttp(createRouter([callbackRoute], routeContext()));
