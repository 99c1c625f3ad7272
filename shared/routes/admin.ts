import { endUserSessions } from '../adapters/dynamodb/sessions.js';
import { HttpError, json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { getPendingDiff, RUNS_PARTITION, type RunRecord } from '../adapters/dynamodb/sync-state-store.js';
import { requireAdmin } from '../domain/access/admin.js';
import { queryPage } from '../http/paging.js';
import { startSyncRun } from '../services/sync-starter.js';
import { cursorParam, objectBody, pageSize, userIdParam } from '../http/validate.js';

/** Admin only: directory sync history, pending diff and "run now", and ending a user's sessions. */
export const adminRoutes: readonly Route[] = [
  {
    method: 'GET',
    path: '/api/admin/sync/runs',
    handler: async (request) => {
      const deps = dependencies();
      await requireAdmin(request, deps);
      const limit = pageSize(request);
      const cursor = cursorParam(request);
      return json(200, await queryPage<{ record: RunRecord }, RunRecord>(deps, 'sync-runs', {
        TableName: deps.config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': RUNS_PARTITION },
        ScanIndexForward: false, ProjectionExpression: '#record', ExpressionAttributeNames: { '#record': 'record' },
      }, limit, cursor, (i) => i.record));
    },
  },
  {
    method: 'POST',
    path: '/api/admin/sync/run',
    handler: async (request) => {
      const deps = dependencies();
      await requireAdmin(request, deps);
      const body = objectBody(request, ['force'], { optional: true });
      if (body.force !== undefined && typeof body.force !== 'boolean') throw new HttpError(400, 'invalid_body', 'force must be true or false.');
      const force = body.force === true;
      const started = await startSyncRun(deps, force);
      return json(202, { started, force });
    },
  },
  {
    method: 'GET',
    path: '/api/admin/sync/pending',
    handler: async (request) => {
      const deps = dependencies();
      await requireAdmin(request, deps);
      return json(200, { pending: (await getPendingDiff(deps.db, deps.config.tableName)) ?? null });
    },
  },
  {
    method: 'POST',
    path: '/api/admin/users/{id}/sessions/revoke',
    handler: async (request) => {
      const deps = dependencies();
      await requireAdmin(request, deps);
      const userId = userIdParam(request);
      return json(200, { userId, revoked: await endUserSessions(deps.db, deps.config.tableName, userId) });
    },
  },
];
