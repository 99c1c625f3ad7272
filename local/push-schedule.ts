import { logger } from '../shared/logging/logger.js';
import { listChannels, markChannelStopped } from '../shared/adapters/dynamodb/push-channels.js';
import { manageChannels } from '../shared/services/push/manager.js';
import { createManagerDeps } from '../shared/services/push/setup.js';
import type { LocalDependencies } from './local-dependencies.js';

const MANAGE_EVERY_MS = 15 * 60_000;

/**
 * `npm start`'s stand-in for the channel manager's schedule. The emulator starts with no channels,
 * so channel records left in the kept local table by an earlier run are closed first; then the
 * manager opens one channel per feed, and renews them every 15 minutes. Returns a stop function.
 */
export async function scheduleLocalPush(deps: LocalDependencies): Promise<() => void> {
  const { db, config } = deps;
  for (const channel of await listChannels(db, config.tableName)) {
    if (channel.status === 'active') await markChannelStopped(db, config.tableName, channel.id, Date.now());
  }
  const manage = async () => {
    try {
      const report = await manageChannels(await createManagerDeps(deps));
      if (report.failures.length > 0) logger.warn('push channels: some feeds failed', { failures: report.failures });
    } catch (error) {
      logger.warn('push channels could not be managed', { error: error instanceof Error ? error.message : String(error) });
    }
  };
  await manage();
  const timer = setInterval(() => void manage(), MANAGE_EVERY_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    deps.pushQueue.stop();
  };
}
