/**
 * `npm run sessions -- --revoke-all`: signs everyone out (every session ends), recorded in the audit
 * log as done by `cli:<operator>`. Beside `npm start` it uses DynamoDB Local; with RUNTIME_MODE=aws,
 * TABLE_NAME and AWS credentials, the deployed table. Prints one JSON line: { revoked }.
 */
import { userInfo } from 'node:os';
import { signEveryoneOut } from '../shared/services/sign-everyone-out.js';
import { loadSyncConfig } from '../shared/config/config.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';

const USAGE = 'Usage: npm run sessions -- --revoke-all';

async function main(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0] !== '--revoke-all') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  process.env.RUNTIME_MODE ??= 'local';
  if (process.env.RUNTIME_MODE === 'local') process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${process.env.DYNAMODB_LOCAL_PORT ?? 8000}`;
  // The table keys only (TABLE_NAME, DYNAMODB_ENDPOINT): an operator's shell has no sign-in keys.
  const config = loadSyncConfig();
  const db = createDocumentClient({ endpoint: config.dynamodbEndpoint });
  const revoked = await signEveryoneOut(db, config.tableName, `cli:${process.env.SESSIONS_CLI_OPERATOR ?? userInfo().username}`);
  process.stdout.write(`${JSON.stringify({ revoked })}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sessions: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
