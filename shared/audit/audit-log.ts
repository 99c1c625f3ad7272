import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The audit log: what an admin or operator did that affects everyone, kept (no TTL).
 *   entry  pk AUDIT  sk <ISO time>#<uuid>  { action, actor, at, ...details }
 * The actor is a directory user id (an admin in the web client) or `cli:<operator>`; never an email.
 */
export const AUDIT_PARTITION = 'AUDIT';

export interface AuditEntry {
  readonly action: 'sessions.revoke-all';
  readonly actor: string;
  readonly details: Readonly<Record<string, string | number | boolean>>;
}

export async function recordAudit(db: DynamoDBDocumentClient, table: string, entry: AuditEntry, now = new Date()): Promise<void> {
  const at = now.toISOString();
  await db.send(new PutCommand({
    TableName: table,
    Item: { pk: AUDIT_PARTITION, sk: `${at}#${randomUUID()}`, action: entry.action, actor: entry.actor, at, ...entry.details },
  }));
}
