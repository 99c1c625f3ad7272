import { endUserSessions, refreshUserSessions } from '../../adapters/dynamodb/sessions.js';
import type { SyncDependencies } from './dependencies.js';
import type { SessionTerminator } from '../../adapters/dynamodb/sync-apply.js';

/**
 * What sync does to sessions: a deleted, newly suspended or archived user loses every session
 * (ASVS 7.4.2); a changed user's live sessions get the new record they carry.
 */
export function sessionTerminator(deps: Pick<SyncDependencies, 'db' | 'config'>): SessionTerminator {
  const { db, config } = deps;
  return {
    endUserSessions: async (userId) => {
      await endUserSessions(db, config.tableName, userId);
    },
    refreshUserSessions: (user) => refreshUserSessions(db, config.tableName, user),
  };
}
