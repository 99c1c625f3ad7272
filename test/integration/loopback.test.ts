import { execFile } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listenLocal, localBindAddress, PortInUseError } from '../../local/bind-address.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { startTestEmulator } from '../support/emulator.js';

const root = join(import.meta.dirname, '../..');

/** This machine's addresses other than loopback: where a neighbour on the network would connect. */
const networkAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((i) => i && !i.internal && !i.address.startsWith('fe80:'))
  .map((i) => i!.address);

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });
}

describe('local services listen on loopback only', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ users: 3, groups: 1 });
  });
  afterAll(() => emulator.stop());

  it('has a network address to try from (else the checks below prove nothing)', () => {
    expect(networkAddresses.length).toBeGreaterThan(0);
  });

  it('the Google emulator answers on 127.0.0.1 and not on the network', async () => {
    expect(await connects('127.0.0.1', emulator.port)).toBe(true);
    for (const address of networkAddresses) expect(await connects(address, emulator.port)).toBe(false);
  });

  it('DynamoDB Local (as startDynamoDbLocal starts it) answers on 127.0.0.1 and not on the network', async () => {
    const port = Number(new URL(inject('dynamodbEndpoint')).port);
    expect(await connects('127.0.0.1', port)).toBe(true);
    for (const address of networkAddresses) expect(await connects(address, port)).toBe(false);
  });

  it('the local host listens on the bind address, loopback unless LOCAL_BIND_ADDRESS says otherwise', async () => {
    const server = createHttpServer();
    await listenLocal(server, 0, 'PORT');
    expect(server.address()).toMatchObject({ address: '127.0.0.1' });
    server.close();
    expect(localBindAddress({ LOCAL_BIND_ADDRESS: '0.0.0.0' })).toBe('0.0.0.0');
    expect(() => localBindAddress({ LOCAL_BIND_ADDRESS: 'everywhere' })).toThrow(/LOCAL_BIND_ADDRESS/);
  });
});

describe('a port in use', () => {
  const held = createServer();
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((ok) => held.listen(0, '127.0.0.1', ok));
    port = (held.address() as { port: number }).port;
  });
  afterAll(() => new Promise((ok) => held.close(ok)));

  it('is one error naming the port and the setting that changes it', async () => {
    const error = await listenLocal(createHttpServer(), port, 'PORT').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`Port ${port} is already in use: stop whatever holds it, or set PORT to another port.`);
  });

  it('npm run emulator prints that one line, no stack trace', async () => {
    const run = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), ['local/emulator/main.ts'], {
      cwd: root,
      env: { ...process.env, GOOGLE_EMULATOR_PORT: String(port), GOOGLE_EMULATOR_USERS: '3' },
    }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`Port ${port} is already in use: stop whatever holds it, or set GOOGLE_EMULATOR_PORT to another port.`);
  });
});
