import type { APIGatewayProxyEventV2, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as channelsHandler } from '../../functions/push-channels.js';
import { handler as receiverHandler } from '../../functions/push-receiver.js';
import { handler as syncHandler } from '../../functions/sync.js';
import { handler as workerHandler } from '../../functions/push-worker.js';
import { DIRECTORY_READONLY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { REPORTS_AUDIT_SCOPE } from '../../local/emulator/push/routes.js';
import { listChannels } from '../../shared/adapters/dynamodb/push-channels.js';
import { ORIGIN_SECRET_HEADER } from '../../shared/domain/push/token.js';
import type { PushChange } from '../../shared/domain/push/changes.js';
import { provideDependencies, type Dependencies } from '../../shared/runtime/dependencies.js';
import { PUSH_CHANNEL_METRICS } from '../../shared/services/push/metrics.js';
import { LAMBDA_CONTEXT, withOutput } from '../support/lambda.js';
import { startSyncHarness, type SyncHarness } from '../support/sync.js';

/**
 * The deployed push entry points (functions/push-*.ts) as Lambda calls them, against the emulator
 * and DynamoDB Local: the SQS worker's partial batch response, the channel manager's metric line,
 * the receiver's origin check, and what happens when the Reports scope is not delegated.
 */
const context = LAMBDA_CONTEXT;

const ORIGIN_SECRET = 'origin-secret-for-tests';

let h: SyncHarness;
beforeEach(async () => {
  h = await startSyncHarness({ users: 20, groups: 4, env: { PUSH_ORIGIN_SECRET: ORIGIN_SECRET } });
  provideDependencies(h.deps);
});
afterEach(() => h.close());

const sqsEvent = (bodies: Record<string, string>): SQSEvent =>
  ({ Records: Object.entries(bodies).map(([messageId, body]) => ({ messageId, body })) }) as unknown as SQSEvent;

describe('the push worker (SQS event source)', () => {
  it('applies a batch and reports only the unreadable message as failed (partial batch response)', async () => {
    await h.sync();
    const person = h.emulator.directory.users.find((u) => !u.isAdmin && !u.suspended)!;
    h.emulator.directory.users.find((u) => u.id === person.id)!.suspended = true;
    const change: PushChange = {
      kind: 'user',
      userId: person.id,
      event: 'update',
      channelId: 'c',
      messageNumber: 2,
      receivedAt: Date.now(),
    };
    const { result } = await withOutput(() =>
      workerHandler(
        sqsEvent({ good: JSON.stringify({ changes: [change] }), bad: '{"changes":[{"kind":"user"}]}', worse: 'not json' }),
        context,
      ),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }, { itemIdentifier: 'worse' }] });
    const stored = (await h.directoryItems()).get(`USER#${person.id} PROFILE`);
    expect(stored).toMatchObject({ user: expect.objectContaining({ suspended: true }) });
  });
});

describe('the channel manager (scheduled)', () => {
  it('opens a channel per feed and logs every feed live, none past expiry', async () => {
    h.emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, REPORTS_AUDIT_SCOPE]);
    const { result, lines } = await withOutput(() => channelsHandler({}, context));
    expect(result).toMatchObject({ enabled: true, failures: [] });
    expect(await listChannels(h.deps.db, h.deps.config.tableName)).toHaveLength(PUSH_CHANNEL_METRICS.feedCount);
    expect(lines.find((l) => l._aws)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: PUSH_CHANNEL_METRICS.namespace }] },
      [PUSH_CHANNEL_METRICS.liveFeeds]: PUSH_CHANNEL_METRICS.feedCount,
      [PUSH_CHANNEL_METRICS.pastExpiry]: 0,
    });
  });

  it('without the Reports scope delegated: no feed opens, the metric says so, and the full sync stays hourly', async () => {
    h.emulator.setDelegatedScopes(DIRECTORY_READONLY_SCOPES);
    const { result, lines } = await withOutput(() => channelsHandler({}, context));
    expect((result as { failures: unknown[] }).failures).toHaveLength(PUSH_CHANNEL_METRICS.feedCount);
    expect(lines.find((l) => l._aws)).toMatchObject({ [PUSH_CHANNEL_METRICS.liveFeeds]: 0 });
    // Push is unhealthy, so the hourly schedule runs the full sync every time instead of skipping to daily.
    for (let i = 0; i < 2; i++) {
      const { result: run } = await withOutput(() => syncHandler({ trigger: 'schedule' }, context));
      expect(run).toMatchObject({ status: 'succeeded' });
    }
  });
});

describe('the receiver behind CloudFront', () => {
  const post = (headers: Record<string, string>): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/hooks/google',
      rawQueryString: '',
      headers: {
        'x-goog-channel-id': 'unknown-channel',
        'x-goog-channel-token': 't',
        'x-goog-resource-id': 'r',
        'x-goog-resource-state': 'sync',
        'x-goog-message-number': '1',
        ...headers,
      },
      body: '',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/hooks/google', protocol: 'HTTP/1.1', sourceIp: '130.176.1.1', userAgent: 'g' } },
    }) as unknown as APIGatewayProxyEventV2;
  const statusOf = async (event: APIGatewayProxyEventV2) =>
    ((await withOutput(() => receiverHandler(event, context) as Promise<{ statusCode: number }>)).result as { statusCode: number })
      .statusCode;

  it('refuses a request without the origin secret before any table read; with it, the channel check runs', async () => {
    let reads = 0;
    const countingDb = {
      send: (...args: Parameters<Dependencies['db']['send']>) => {
        reads += 1;
        return h.deps.db.send(...args);
      },
    } as unknown as Dependencies['db'];
    provideDependencies({ ...h.deps, db: countingDb });
    expect(await statusOf(post({}))).toBe(403);
    expect(await statusOf(post({ [ORIGIN_SECRET_HEADER]: `${ORIGIN_SECRET}x` }))).toBe(403);
    expect(reads).toBe(0);
    expect(await statusOf(post({ [ORIGIN_SECRET_HEADER]: ORIGIN_SECRET }))).toBe(404);
    expect(reads).toBe(1);
  });
});
