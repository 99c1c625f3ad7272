import type { Context } from 'aws-lambda';
import { traceHandler } from '../shared/adapters/tracing.js';
import { logger } from '../shared/logging/logger.js';
import { pushHealth } from '../shared/services/push/health.js';
import { manageChannels } from '../shared/services/push/manager.js';
import { emitChannelMetrics } from '../shared/services/push/metrics.js';
import { createManagerDeps } from '../shared/services/push/setup.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/**
 * Scheduled (every 30 minutes): opens, renews and stops Google notification channels, then logs
 * the channel metrics the alarms watch (channels found past expiry, feeds left with a live channel).
 */
export const handler = traceHandler(async (_event: unknown, context: Context): Promise<Record<string, unknown>> => {
  logger.addContext(context);
  const deps = dependencies();
  if (!deps.config.push.enabled) return { enabled: false };
  const { tableName } = deps.config;
  const report = await manageChannels(await createManagerDeps(deps));
  if (report.failures.length > 0) logger.warn('push channels: some feeds failed', { failures: report.failures });
  const now = Date.now();
  const after = await pushHealth(deps.db, tableName, now);
  emitChannelMetrics(now, { liveFeeds: after.feeds.filter((f) => f.live).length, channelsPastExpiry: report.pastExpiry });
  logger.info('push channels', { opened: report.opened.length, stopped: report.stopped.length, failures: report.failures.length });
  return { enabled: true, ...report };
});
