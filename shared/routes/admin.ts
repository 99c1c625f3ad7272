import { signEveryoneOut } from '../services/sign-everyone-out.js';
import { signUserOut } from '../services/sign-user-out.js';
import { getPendingDiff, getSyncProgress, runRecordsQuery, type RunRecord } from '../adapters/dynamodb/sync-state-store.js';
import { HttpError, json, type HttpRequest } from '../http/http.js';
import { queryPage } from '../http/paging.js';
import { cursorParam, objectBody, pageSize, userIdParam } from '../http/validate.js';
import { adminOnly, withInput, type AppRoute, type SignedIn } from '../http/wrappers.js';
import { startSyncRun } from '../services/sync-starter.js';
import type { PushStatus } from '../contract/api.js';
import { pushStatus } from '../services/push/health.js';

const listInput = (request: HttpRequest) => ({ limit: pageSize(request), cursor: cursorParam(request) });

function runInput(request: HttpRequest): { force: boolean } {
  const body = objectBody(request, ['force'], { optional: true });
  if (body.force !== undefined && typeof body.force !== 'boolean') throw new HttpError(400, 'invalid_body', 'force must be true or false.');
  return { force: body.force === true };
}

/** The revoke-all body is empty or `{}`: nothing to choose, but anything else is a mistake worth a 400. */
const noInput = (request: HttpRequest): void => void objectBody(request, [], { optional: true });

/**
 * Admin only: directory sync history, pending diff, the running sync's progress and "run now",
 * ending a user's sessions, signing everyone out, and push health.
 */
export const adminRoutes: readonly AppRoute[] = [
  {
    method: 'GET',
    path: '/api/admin/sync/runs',
    handler: adminOnly(
      withInput(listInput, async (_request, { deps, input: { limit, cursor } }) =>
        json(
          200,
          await queryPage<{ record: RunRecord }, RunRecord>(
            deps,
            'sync-runs',
            runRecordsQuery(deps.config.tableName),
            limit,
            cursor,
            (i) => i.record,
          ),
        ),
      ),
    ),
  },
  {
    method: 'POST',
    path: '/api/admin/sync/run',
    handler: adminOnly(
      withInput(runInput, async (_request, { deps, input: { force } }) => json(202, { started: await startSyncRun(deps, force), force })),
    ),
  },
  {
    method: 'GET',
    path: '/api/admin/sync/pending',
    handler: adminOnly(async (_request, { deps }) =>
      json(200, { pending: (await getPendingDiff(deps.db, deps.config.tableName)) ?? null }),
    ),
  },
  {
    method: 'GET',
    path: '/api/admin/sync/progress',
    handler: adminOnly(async (_request, { deps }) => json(200, { progress: await getSyncProgress(deps.db, deps.config.tableName) })),
  },
  {
    method: 'POST',
    path: '/api/admin/users/{id}/sessions/revoke',
    handler: adminOnly(
      withInput<string, SignedIn>(userIdParam, async (_request, { deps, session, input: userId }) =>
        json(200, { userId, revoked: await signUserOut(deps.db, deps.config.tableName, session.user.id, userId) }),
      ),
    ),
  },
  {
    method: 'POST',
    path: '/api/admin/sessions/revoke-all',
    handler: adminOnly(
      withInput<void, SignedIn>(noInput, async (_request, { deps, session }) =>
        json(200, { revoked: await signEveryoneOut(deps.db, deps.config.tableName, session.user.id) }),
      ),
    ),
  },
  {
    method: 'GET',
    path: '/api/admin/push',
    handler: adminOnly(async (_request, { deps }) => {
      const status: PushStatus = await pushStatus(deps.db, deps.config.tableName, deps.config.push.enabled, Date.now());
      return json(200, status);
    }),
  },
];
