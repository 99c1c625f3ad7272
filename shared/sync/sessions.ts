import { logger } from '../logging/logger.js';
import type { Dependencies } from '../runtime/dependencies.js';
import type { SessionTerminator } from './apply.js';

/**
 * The sessions sync ends (deleted, newly suspended or archived users). When the sign-in feature is
 * merged, the body becomes `endUserSessions(deps.db, deps.config.tableName, userId)` from
 * shared/auth/sessions.ts; until then sync reports each user whose sessions must end.
 */
export function sessionTerminator(_deps: Pick<Dependencies, 'db' | 'config'>): SessionTerminator {
  return {
    endUserSessions: async (userId) => {
      logger.warn('directory sync: user blocked or deleted, their sessions must end (session store not wired yet)', { userId });
    },
  };
}
