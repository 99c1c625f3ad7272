import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { HealthReport } from '../../contract/api.js';
import { KEYS } from './table-definition.js';
import { VERSION } from '../../version.js';

/** Whether DynamoDB answers, by one strongly-consistent read of a key that never exists (cheap, needs only GetItem). */
export async function checkHealth(db: DynamoDBDocumentClient, tableName: string, timeoutMs = 2000): Promise<HealthReport> {
  let dynamodb: HealthReport['dynamodb'] = 'ok';
  try {
    await db.send(new GetCommand({ TableName: tableName, Key: KEYS.health }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    dynamodb = 'unreachable';
  }
  return { status: dynamodb === 'ok' ? 'ok' : 'degraded', version: VERSION, dynamodb };
}
