import { logger } from '../logging/logger.js';
import type { SessionTerminator } from './apply.js';

/**
 * Until the sign-in feature's `endUserSessions(db, tableName, userId)` (shared/auth/) is merged,
 * sync reports the users whose sessions must end; the merge replaces this body with that call.
 */
export function sessionTerminator(): SessionTerminator {
  return {
    endUserSessions: async (userId) => {
      logger.warn('directory sync: user blocked or deleted, their sessions must end (session store not wired yet)', { userId });
    },
  };
}
