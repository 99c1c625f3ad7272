import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordAudit } from '../adapters/dynamodb/audit-log.js';
import { endAllSessions } from '../adapters/dynamodb/sessions.js';

/**
 * The global "sign everyone out" of the admin API and `npm run sessions -- --revoke-all`: every
 * session ends (the caller's too), and the audit log records who, when and how many. Resetting the
 * session key ring does not do this: sessions are stored, not derived from the ring.
 */
export async function signEveryoneOut(db: DynamoDBDocumentClient, table: string, actor: string): Promise<number> {
  const revoked = await endAllSessions(db, table);
  await recordAudit(db, table, { action: 'sessions.revoke-all', actor, details: { revoked } });
  return revoked;
}
