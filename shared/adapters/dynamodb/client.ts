import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traceClient } from '../tracing.js';

export interface DbClientOptions {
  /** DynamoDB Local's URL; unset in AWS. */
  readonly endpoint?: string | undefined;
}

/**
 * A DynamoDB document client. Against DynamoDB Local it uses fixed dummy credentials and region,
 * since DynamoDB Local accepts any and the machine has no AWS profile.
 */
export function createDynamoClient(options: DbClientOptions = {}): DynamoDBClient {
  const local = options.endpoint
    ? { endpoint: options.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  return traceClient(new DynamoDBClient({ ...local, maxAttempts: 5 }));
}

export function createDocumentClient(options: DbClientOptions = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(options), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
