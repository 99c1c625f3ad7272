import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KEYS } from './table-definition.js';

/**
 * The audit log: what an admin or operator did to other people's access, kept (no TTL).
 * One partition, sorted by time (KEYS.auditEntry): { action, actor, at, ...details }.
 * The actor is a directory user id (an admin in the web client) or `cli:<operator>`; never an email.
 * `sessions.revoke-all` ends every session ({ revoked }); `sessions.revoke` one user's ({ userId, revoked }).
 */
export interface AuditEntry {
  readonly action: 'sessions.revoke-all' | 'sessions.revoke';
  readonly actor: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

export async function recordAudit(db: DynamoDBDocumentClient, table: string, entry: AuditEntry, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.send(
    new PutCommand({
      TableName: table,
      Item: { ...KEYS.auditEntry(at, randomUUID()), action: entry.action, actor: entry.actor, at, ...entry.details },
    }),
  );
}
