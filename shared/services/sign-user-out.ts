import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recordAudit } from '../adapters/dynamodb/audit-log.js';
import { endUserSessions } from '../adapters/dynamodb/sessions.js';

/**
 * An admin's "end this person's sessions" (`POST /api/admin/users/{id}/sessions/revoke`): every
 * session of the user ends, and the audit log records who asked, whose (by directory user id),
 * when and how many, as it does for signing everyone out.
 */
export async function signUserOut(db: DynamoDBDocumentClient, table: string, actor: string, userId: string): Promise<number> {
  const revoked = await endUserSessions(db, table, userId);
  await recordAudit(db, table, { action: 'sessions.revoke', actor, details: { userId, revoked } });
  return revoked;
}
