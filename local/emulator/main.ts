/**
 * `npm run emulator`: the Google Workspace emulator alone, on GOOGLE_EMULATOR_PORT (default 4000),
 * seeded from GOOGLE_EMULATOR_SEED / _USERS / _GROUPS. Ctrl-C stops it.
 */
import { resolve } from 'node:path';
import { ConfigError } from '../../shared/config/config.js';
import { PortInUseError } from '../bind-address.js';
import { describeEmulator } from './describe.js';
import { startEmulator } from './emulator.js';
import { emulatorOptionsFromEnv } from './env.js';

const root = resolve(import.meta.dirname, '../..');

try {
  const started = Date.now();
  const emulator = await startEmulator({ ...emulatorOptionsFromEnv(), stateDirectory: resolve(root, '.local') });
  console.log([...describeEmulator(emulator), `  started in ${Date.now() - started} ms. Press Ctrl-C to stop.`].join('\n'));
  const stop = (signal: string) => {
    console.log(`\n${signal}: stopping the Google emulator…`);
    void emulator.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof PortInUseError ? error.message : error);
  process.exit(1);
}
