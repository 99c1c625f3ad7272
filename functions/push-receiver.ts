import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { pushReceiverRoutes } from '../shared/routes/push.js';
import { routeContext } from '../shared/runtime/dependencies.js';

/** Google's push notifications (POST /hooks/google): verified, deduplicated, handed to the worker. */
export const handler = lambdaHttp(createRouter(pushReceiverRoutes, routeContext()));
