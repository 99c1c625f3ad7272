/**
 * The emulator for benchmarks, in its own process (forked with IPC), so the benchmark's memory
 * figure is the sync's alone. Reads EmulatorOptions as JSON from argv[2]; replies once started
 * with its origin, key file, admin and the minimum number of Directory calls a full sync needs.
 */
import { startEmulator, type EmulatorOptions } from '../local/emulator/emulator.js';

const options = JSON.parse(process.argv[2] ?? '{}') as EmulatorOptions;
const emulator = await startEmulator({ ...options, port: 0 });
const { directory } = emulator;
const liveUsers = directory.users.filter((u) => !u.deletionTime).length;
const memberCalls = directory.groups.reduce((sum, g) => sum + Math.max(1, Math.ceil(directory.members(g.id).length / 200)), 0);
process.send!({
  origin: emulator.origin,
  keyPath: emulator.serviceAccountKeyPath,
  admin: directory.admin.primaryEmail,
  // domains + schemas + users pages + groups pages + members pages (Google's largest page sizes)
  minimumCalls: 2 + Math.max(1, Math.ceil(liveUsers / 500)) + Math.max(1, Math.ceil(directory.groups.length / 200)) + memberCalls,
});
process.on('disconnect', () => void emulator.stop().then(() => process.exit(0)));
