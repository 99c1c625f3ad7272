import { PUSH_RECEIVER_PATH } from '../config/config.js';
import { HttpError } from '../http/http.js';
import type { AppRoute } from '../http/wrappers.js';
import type { Dependencies } from '../runtime/dependencies.js';
import type { ChangeQueue } from '../domain/push/changes.js';
import { ORIGIN_SECRET_HEADER, originSecretMatches } from '../domain/push/token.js';
import { SqsChangeQueue } from '../adapters/sqs/change-queue.js';
import { receiveNotification } from '../services/push/receiver.js';

let sqsQueue: SqsChangeQueue | undefined;

/** The local host's in-process queue, or (AWS) the SQS queue the worker reads. */
function changeQueue(deps: Dependencies): ChangeQueue {
  if (deps.pushQueue) return deps.pushQueue;
  const url = deps.config.push.queueUrl;
  if (!url) throw new HttpError(503, 'push_not_configured', 'Push notifications are not set up here.');
  sqsQueue ??= new SqsChangeQueue(url);
  return sqsQueue;
}

/**
 * In AWS the function URL takes unsigned requests, so a request that did not come through CloudFront
 * (no origin secret) is refused here, before any table read: a direct flood costs no DynamoDB call.
 * Locally there is no distribution and no secret.
 */
function requireOrigin(deps: Dependencies, headers: Readonly<Record<string, string>>): void {
  const { originSecret } = deps.config.push;
  if (!originSecret) {
    if (deps.config.mode === 'aws') throw new HttpError(503, 'push_not_configured', 'Push notifications are not set up here.');
    return;
  }
  if (!originSecretMatches(headers[ORIGIN_SECRET_HEADER], originSecret))
    throw new HttpError(403, 'forbidden', 'Notifications are accepted through the site only.');
}

/** Google's notifications: no session or origin (Google is the caller); the channel token is the check (receiver.ts). */
export const pushReceiverRoutes: readonly AppRoute[] = [
  {
    method: 'POST',
    path: PUSH_RECEIVER_PATH,
    handler: async (request, { deps }) => {
      requireOrigin(deps, request.headers);
      if (!deps.config.push.enabled) throw new HttpError(404, 'push_disabled', 'Push notifications are turned off.');
      return receiveNotification(request, { db: deps.db, tableName: deps.config.tableName, queue: changeQueue(deps), now: Date.now });
    },
  },
];
