import type { Context } from 'aws-lambda';
import { logger } from '../shared/logging/logger.js';
import { manageChannels } from '../shared/services/push/manager.js';
import { createManagerDeps } from '../shared/services/push/setup.js';
import { dependencies, initDependencies } from '../shared/runtime/dependencies.js';

initDependencies();

/** Scheduled (every 30 minutes): opens, renews and stops Google notification channels. */
export async function handler(_event: unknown, context: Context): Promise<Record<string, unknown>> {
  logger.addContext(context);
  const deps = dependencies();
  if (!deps.config.push.enabled) return { enabled: false };
  const report = await manageChannels(await createManagerDeps(deps));
  if (report.failures.length > 0) logger.warn('push channels: some feeds failed', { failures: report.failures });
  logger.info('push channels', { opened: report.opened.length, stopped: report.stopped.length, failures: report.failures.length });
  return { enabled: true, ...report };
}
