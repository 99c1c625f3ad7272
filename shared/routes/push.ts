import { PUSH_RECEIVER_PATH } from '../config/config.js';
import { HttpError } from '../http/http.js';
import type { AppRoute } from '../http/wrappers.js';
import type { Dependencies } from '../runtime/dependencies.js';
import type { ChangeQueue } from '../domain/push/changes.js';
import { LambdaInvokeQueue } from '../adapters/lambda/lambda-queue.js';
import { receiveNotification } from '../services/push/receiver.js';

let lambdaQueue: LambdaInvokeQueue | undefined;

/** The local host's in-process queue, or (AWS) an asynchronous invocation of the worker function. */
function changeQueue(deps: Dependencies): ChangeQueue {
  if (deps.pushQueue) return deps.pushQueue;
  const name = deps.config.push.workerFunctionName;
  if (!name) throw new HttpError(503, 'push_not_configured', 'Push notifications are not set up here.');
  lambdaQueue ??= new LambdaInvokeQueue(name);
  return lambdaQueue;
}

/** Google's notifications: no session or origin (Google is the caller); the channel token is the check (receiver.ts). */
export const pushReceiverRoutes: readonly AppRoute[] = [
  {
    method: 'POST',
    path: PUSH_RECEIVER_PATH,
    handler: async (request, { deps }) => {
      if (!deps.config.push.enabled) throw new HttpError(404, 'push_disabled', 'Push notifications are turned off.');
      return receiveNotification(request, { db: deps.db, tableName: deps.config.tableName, queue: changeQueue(deps), now: Date.now });
    },
  },
];
