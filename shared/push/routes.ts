import { HttpError, json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { requireAdmin } from '../auth/admin.js';
import type { Dependencies } from '../runtime/dependencies.js';
import type { ChangeQueue } from './changes.js';
import { pushHealth } from './health.js';
import { LambdaInvokeQueue } from './lambda-queue.js';
import { receiveNotification } from './receiver.js';

/** The receiver's path, behind the site's CloudFront distribution (docs/_notes-push.md argues the placement). */
export const PUSH_RECEIVER_PATH = '/hooks/google';

let lambdaQueue: LambdaInvokeQueue | undefined;

/** The local host's in-process queue, or (AWS) an asynchronous invocation of the worker function. */
function changeQueue(deps: Dependencies): ChangeQueue {
  if (deps.pushQueue) return deps.pushQueue;
  const name = deps.config.push.workerFunctionName;
  if (!name) throw new HttpError(503, 'push_not_configured', 'Push notifications are not set up here.');
  lambdaQueue ??= new LambdaInvokeQueue(name);
  return lambdaQueue;
}

export function pushReceiverRoutes(dependencies: () => Dependencies): readonly Route[] {
  return [{
    method: 'POST',
    path: PUSH_RECEIVER_PATH,
    handler: async (request) => {
      const deps = dependencies();
      if (!deps.config.push.enabled) throw new HttpError(404, 'push_disabled', 'Push notifications are turned off.');
      return receiveNotification(request, { db: deps.db, tableName: deps.config.tableName, queue: changeQueue(deps), now: Date.now });
    },
  }];
}

/** Admin only: channels with expiry, last notification, changes applied, lag, and the full sync's schedule. */
export function pushAdminRoutes(dependencies: () => Dependencies): readonly Route[] {
  return [{
    method: 'GET',
    path: '/api/admin/push',
    handler: async (request) => {
      const deps = dependencies();
      await requireAdmin(request, deps);
      return json(200, { enabled: deps.config.push.enabled, ...(await pushHealth(deps.db, deps.config.tableName, Date.now())) });
    },
  }];
}
