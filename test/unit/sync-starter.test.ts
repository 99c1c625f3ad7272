import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/config.js';
import { requestUserFetch, startSyncRun } from '../../shared/services/sync-starter.js';
import type { Dependencies } from '../../shared/runtime/dependencies.js';
import { createLocalSyncRunner, startSyncForAdmin } from '../../local/sync-in-process.js';
import { captureOutput } from '../support/logs.js';

/** In AWS an admin's "run now" invokes the sync Lambda asynchronously (Lambda has no local twin: aws-sdk-client-mock). */
describe('starting a sync run from the API in AWS', () => {
  const lambda = mockClient(LambdaClient);
  afterEach(() => lambda.reset());
  const deps = (syncFunctionName?: string) =>
    ({
      config: { ...loadConfig({ RUNTIME_MODE: 'local' }), mode: 'aws', syncFunctionName },
      db: undefined,
      secrets: undefined,
    }) as unknown as Dependencies;

  it('invokes the sync function with InvocationType Event and the force flag as its payload', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    expect(await startSyncRun(deps('WorkspaceBridge-Sync-sync'), true)).toBe('invoked');
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'WorkspaceBridge-Sync-sync', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'))).toEqual({ force: true });
  });

  it("asks the sync function for one new user with { fetchUser } (sign-in's first attempt)", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    await requestUserFetch(deps('WorkspaceBridge-Sync-sync'), '110000000000000000042');
    const input = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ FunctionName: 'WorkspaceBridge-Sync-sync', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'))).toEqual({ fetchUser: '110000000000000000042' });
  });

  it('answers 503 when the stack did not name the sync function, and fails loudly when Lambda does not accept the event', async () => {
    await expect(startSyncRun(deps(undefined), false)).rejects.toMatchObject({ status: 503, code: 'sync_not_configured' });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    lambda.on(InvokeCommand).resolves({ StatusCode: 500 });
    await expect(startSyncRun(deps('WorkspaceBridge-Sync-sync'), false)).rejects.toThrow(/answered 500/);
  });
});

describe('starting a sync run from the API locally', () => {
  it("hands it to the local host's runner, one run at a time (409 while one is going)", async () => {
    // The run waits on the service-account key until the test releases it with an error.
    let release: (error: Error) => void = () => undefined;
    const keyRead = new Promise<string>((_, reject) => {
      release = reject;
    });
    const config = loadConfig({ RUNTIME_MODE: 'local' });
    const runner = createLocalSyncRunner(() => ({ config, secrets: { get: () => keyRead } }) as unknown as Dependencies);
    const deps = { config, startSyncInProcess: startSyncForAdmin(runner) } as unknown as Dependencies;
    const capture = captureOutput();
    try {
      expect(await startSyncRun(deps, false)).toBe('started-in-process');
      await expect(startSyncRun(deps, true)).rejects.toMatchObject({ status: 409, code: 'sync_running' });
      release(new Error('no key in this test'));
      await runner.running;
      expect(runner.running).toBeUndefined();
      expect(capture.lines().some((line) => line.includes('directory sync could not run'))).toBe(true);
    } finally {
      capture.restore();
    }
  });

  it('answers 503 where no runner was provided', async () => {
    const deps = { config: loadConfig({ RUNTIME_MODE: 'local' }) } as unknown as Dependencies;
    await expect(startSyncRun(deps, false)).rejects.toMatchObject({ status: 503, code: 'sync_not_configured' });
  });
});
