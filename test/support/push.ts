import { expect } from 'vitest';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import { REPORTS_AUDIT_SCOPE } from '../../local/emulator/push/routes.js';
import type { Dependencies } from '../../shared/runtime/dependencies.js';
import { manageChannels } from '../../shared/services/push/manager.js';
import { createManagerDeps } from '../../shared/services/push/setup.js';

/** What `npm start` delegates with push on: the sync's read-only scopes, the Reports audit scope, and an admin tool's read-write ones. */
export const LOCAL_PUSH_SCOPES = [...DIRECTORY_READONLY_SCOPES, REPORTS_AUDIT_SCOPE, DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group];

/** The channel manager's run as `npm start` makes it: one channel per feed, each confirmed by Google's sync message. */
export async function openPushChannels(emulator: Emulator, deps: Dependencies): Promise<void> {
  emulator.setDelegatedScopes(LOCAL_PUSH_SCOPES);
  expect((await manageChannels(await createManagerDeps(deps))).failures).toEqual([]);
  await emulator.push.idle();
}

/** Polls until `check` passes (a change travels emulator → receiver → worker → table and index), or fails after `ms`; resolves to the wait. */
export async function eventually(check: () => Promise<void>, ms = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > ms) throw error;
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }
}
