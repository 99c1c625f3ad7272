/**
 * The emulator for benchmarks, in its own process (forked with IPC), so the benchmark's memory
 * figure is the sync's alone. Reads EmulatorOptions as JSON from argv[2]; replies once started
 * with its origin, key file, admin and the minimum number of Directory calls a full sync needs.
 */
import { startEmulator, type EmulatorOptions } from '../local/emulator/emulator.js';
import { minimumSyncCalls } from '../test/support/minimum-calls.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator({ ...options, port: 0 });
const { directory } = emulator;
process.send!({
  origin: emulator.origin,
  keyPath: emulator.serviceAccountKeyPath,
  admin: directory.admin.primaryEmail,
  minimumCalls: minimumSyncCalls(directory),
});
process.on('disconnect', () => void emulator.stop().then(() => process.exit(0)));
