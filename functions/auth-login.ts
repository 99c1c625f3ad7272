import { startLogin } from '../shared/services/sign-in/login.js';
import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** GET /auth/login: starts Sign in with Google. */
export const handler = lambdaHttp(createRouter([{ method: 'GET', path: '/auth/login', handler: (request) => startLogin(request, dependencies()) }]));
