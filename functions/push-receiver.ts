import { lambdaHttp } from '../shared/http/lambda.js';
import { createRouter } from '../shared/http/router.js';
import { pushReceiverRoutes } from '../shared/push/routes.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** Google's push notifications (POST /hooks/google): verified, deduplicated, handed to the worker. */
export const handler = lambdaHttp(createRouter(pushReceiverRoutes(dependencies)));
