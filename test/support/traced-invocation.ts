/**
 * One traced Lambda invocation, run in a child process by test/integration/tracing.test.ts with
 * WB_TRACING=true and Lambda's tracing environment: a handler that makes one DynamoDB call.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient } from '../../shared/adapters/dynamodb/client.js';
import { traceHandler } from '../../shared/adapters/tracing.js';

const db = createDynamoClient({ endpoint: process.env.DYNAMODB_ENDPOINT });
const handler = traceHandler(async (_event: unknown, _context: unknown) => {
  await db.send(new ListTablesCommand({}));
  return 'done';
});
process.stdout.write(await handler({}, {}));
