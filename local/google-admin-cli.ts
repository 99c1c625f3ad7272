/**
 * `npm run google-admin -- <command>`: an admin's change to the local emulator's directory through
 * Google's own client (local/google-admin.ts), to watch push-driven sync carry it to the intranet.
 * Finds the emulator as `npm run sync` does (GOOGLE_EMULATOR_PORT or GOOGLE_API_ROOT, the key under
 * .local/ or SYNC_LOCAL_STATE_DIR); prints the changed user or membership as one JSON line.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadSyncConfig } from '../shared/config/config.js';
import { adminTarget, googleAdminClient, parseCommand, RefusedTarget, runCommand, USAGE } from './google-admin.js';
import { LOCAL_STATE_DIR, serviceAccountKeyFile, useLocalEmulatorPort } from './local-dependencies.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv);
  if (!parsed) {
    console.error(USAGE);
    return 2;
  }
  process.env.RUNTIME_MODE ??= 'local';
  useLocalEmulatorPort();
  const { googleApiRoot, googleAdminSubject } = loadSyncConfig();
  const keyFile = serviceAccountKeyFile(process.env.SYNC_LOCAL_STATE_DIR ?? resolve(import.meta.dirname, '..', LOCAL_STATE_DIR));
  try {
    // The target is checked before the key is read: a refused target touches nothing.
    adminTarget(googleApiRoot, parsed.allowRemote);
    const keyText = await readFile(keyFile, 'utf8');
    const admin = googleAdminClient({ rootUrl: googleApiRoot, keyText, subject: googleAdminSubject, allowRemote: parsed.allowRemote });
    const result = await runCommand(admin, parsed.command, googleAdminSubject);
    console.error(`${parsed.command.name}: done at ${googleApiRoot} as ${googleAdminSubject}`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof RefusedTarget) {
      console.error(error.message);
      return 2;
    }
    console.error(`${parsed.command.name} failed: ${error instanceof Error ? error.message : String(error)}${hint(error)}`);
    return 1;
  }
}

/** The usual local causes, named with their fix. */
function hint(error: unknown): string {
  const text = String((error as { code?: unknown }).code ?? '') + String(error);
  if (text.includes('ECONNREFUSED')) return '\nIs the emulator running? Start it with `npm start` (or `npm run emulator`).';
  if (text.includes('ENOENT')) return '\nThe emulator writes its key to .local/google/ when it starts: run `npm start` first.';
  if (/unauthorized_client|Not Authorized/i.test(text))
    return '\n`npm start` grants the read-write admin scopes only with push on (PUSH_ENABLED is not false).';
  return '';
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
