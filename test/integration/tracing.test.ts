import { execFile } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
/** A trace header as Lambda sets it for a sampled invocation. */
const TRACE_ID = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

interface TraceSegment {
  readonly name: string;
  readonly trace_id?: string;
  readonly annotations?: Record<string, unknown>;
  readonly aws?: { readonly operation?: string };
  readonly subsegments?: readonly TraceSegment[];
}

let daemon: Socket;
const datagrams: string[] = [];

beforeAll(async () => {
  // The X-Ray daemon's side of the wire: segments arrive as UDP datagrams on loopback.
  daemon = createSocket('udp4');
  daemon.on('message', (message) => datagrams.push(message.toString('utf8')));
  await new Promise<void>((done) => daemon.bind(0, '127.0.0.1', done));
});
afterAll(() => daemon.close());

function invokeTraced(): Promise<string> {
  const { port } = daemon.address() as AddressInfo;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', resolve(ROOT, 'test/support/traced-invocation.ts')],
      {
        cwd: ROOT,
        env: {
          // Lambda's tracing environment: LAMBDA_TASK_ROOT puts the X-Ray SDK in Lambda mode (a facade segment from the trace header).
          PATH: process.env.PATH,
          WB_TRACING: 'true',
          AWS_REGION: 'eu-west-1',
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
          AWS_LAMBDA_FUNCTION_NAME: 'api',
          POWERTOOLS_SERVICE_NAME: 'api',
          _X_AMZN_TRACE_ID: TRACE_ID,
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}`,
          DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
          LAMBDA_TASK_ROOT: ROOT,
        },
      },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
    );
  });
}

describe('tracing on (deploy setting `tracing`)', () => {
  it("sends the invocation's handler and DynamoDB subsegments to the X-Ray daemon, annotated with the service and the cold start", async () => {
    expect(await invokeTraced()).toBe('done');
    await expect.poll(() => datagrams.some((d) => d.includes('"## handler"')), { timeout: 5_000 }).toBe(true);
    // Each datagram is the daemon header line, then one (sub)segment document.
    const segments = datagrams.map((d) => JSON.parse(d.slice(d.indexOf('\n') + 1)) as TraceSegment);
    const handler = segments.find((s) => s.name === '## handler')!;
    expect(handler.trace_id).toBe('1-5759e988-bd862e3fe1be46a994272793');
    expect(handler.annotations).toMatchObject({ ColdStart: expect.any(Boolean), Service: 'api' });
    const calls = segments.flatMap((s): TraceSegment[] => [s, ...(s.subsegments ?? [])]).filter((s) => s.name === 'DynamoDB');
    expect(calls.map((s) => s.aws?.operation)).toContain('ListTables');
  });
});
