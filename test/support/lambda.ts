import type { Context } from 'aws-lambda';
import { captureOutput } from './logs.js';

/** What a handler reads of Lambda's context: ids for the logs, and ten minutes left (no continuation hand-over). */
export const LAMBDA_CONTEXT = {
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:sync',
  functionName: 'sync',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as Context;

/** Runs a handler and returns its result with the JSON lines it wrote (logs and metric lines). */
export async function withOutput<T>(run: () => Promise<T>): Promise<{ result: T; lines: Record<string, unknown>[] }> {
  const output = captureOutput();
  try {
    const result = await run();
    return { result, lines: output.lines().map((l) => JSON.parse(l) as Record<string, unknown>) };
  } finally {
    output.restore();
  }
}
