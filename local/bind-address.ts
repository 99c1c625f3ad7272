/**
 * The one address every local service listens on: the local host, the Google emulator and DynamoDB
 * Local. Loopback by default, so nothing on the network reaches a dev machine's intranet, its
 * emulator (which signs anyone in) or its table. LOCAL_BIND_ADDRESS changes it (e.g. 0.0.0.0 to
 * demo from another device, knowingly).
 */
import { createServer, isIP, type Server as NetServer } from 'node:net';
import { ConfigError } from '../shared/config/config.js';

export const BIND_ADDRESS_KEY = 'LOCAL_BIND_ADDRESS';
export const DEFAULT_BIND_ADDRESS = '127.0.0.1';

export function localBindAddress(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const raw = env[BIND_ADDRESS_KEY]?.trim();
  if (!raw) return DEFAULT_BIND_ADDRESS;
  if (isIP(raw) === 0) throw new ConfigError(BIND_ADDRESS_KEY, 'an IPv4 or IPv6 address (e.g. 127.0.0.1)', raw);
  return raw;
}

/** A port someone else holds: one line naming the port and the setting that moves it, no stack. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly setting: string,
  ) {
    super(`Port ${port} is already in use: stop whatever holds it, or set ${setting} to another port.`);
  }
}

/** Listens on `host` (default the bind address); a port in use becomes a PortInUseError naming `setting`. */
export async function listenLocal(server: NetServer, port: number, setting: string, host = localBindAddress()): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const failed = (error: NodeJS.ErrnoException) => fail(error.code === 'EADDRINUSE' ? new PortInUseError(port, setting) : error);
    server.once('error', failed).listen(port, host, () => {
      server.off('error', failed);
      ok();
    });
  });
}

/** Fails with PortInUseError when `port` is taken, for a service (Java) whose own message would be a stack trace. */
export async function requireFreePort(port: number, setting: string, host = localBindAddress()): Promise<void> {
  const probe = createServer();
  await listenLocal(probe, port, setting, host);
  await new Promise((ok) => probe.close(ok));
}
