import { completeLogin } from '../shared/services/sign-in/callback.js';
import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** GET /auth/callback: Google sends the browser back here; on success it leaves with a session. */
export const handler = lambdaHttp(createRouter([{ method: 'GET', path: '/auth/callback', handler: (request) => completeLogin(request, dependencies()) }]));
