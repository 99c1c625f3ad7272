import { endUserSessions } from '../auth/sessions.js';
import { signEveryoneOut } from '../auth/sign-everyone-out.js';
import { HttpError, json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';
import { getPendingDiff, RUNS_PARTITION, type RunRecord } from '../sync/state-store.js';
import { requireAdmin } from '../auth/admin.js';
import { queryPage } from './paging.js';
import { startSyncRun } from './sync-starter.js';
import { cursorParam, objectBody, pageSize, userIdParam } from './validate.js';

/** Admin only: directory sync history, pending diff and "run now", ending a user's sessions, and signing everyone out. */
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
  {
    method: 'POST',
    path: '/api/admin/sessions/revoke-all',
    handler: async (request) => {
      const deps = dependencies();
      const session = await requireAdmin(request, deps);
      objectBody(request, [], { optional: true });
      return json(200, { revoked: await signEveryoneOut(deps.db, deps.config.tableName, session.user.id) });
    },
  },
];
