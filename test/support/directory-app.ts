import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import { createSession, sessionPolicy } from '../../shared/adapters/dynamodb/sessions.js';
import { getUserByEmail } from './directory.js';
import type { EmulatorOptions } from '../../local/emulator/emulator.js';
import type { LocalApp } from './local-app.js';
import type { CookieJar } from './sign-in.js';
import { browserFetch } from './sign-in.js';
import { startHarnessApp, startSyncHarness, type SyncHarness } from './sync.js';

/**
 * The directory API end to end: the Google emulator synced into a fresh table by the real sync
 * (which publishes the search index), and the local host serving the API over HTTP on that table.
 * The search index pointer is re-read on every request (SEARCH_INDEX_CHECK_SECONDS=0), so a test
 * sees a re-sync at once.
 */
export interface DirectoryApp {
  readonly harness: SyncHarness;
  readonly app: LocalApp;
  /** A signed-in browser for a synced user (a session created as sign-in creates it). */
  sessionFor(email: string): Promise<CookieJar>;
  get(path: string, jar: CookieJar): Promise<Response>;
  post(path: string, jar: CookieJar, body: string | undefined, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startDirectoryApp(options: EmulatorOptions & { env?: Record<string, string> } = {}): Promise<DirectoryApp> {
  const env = { SEARCH_INDEX_CHECK_SECONDS: '0', ...options.env };
  const harness = await startSyncHarness({ ...options, env });
  const outcome = await harness.sync();
  if (outcome.status !== 'succeeded') throw new Error(`The first sync did not succeed: ${JSON.stringify(outcome)}`);
  const app = await startHarnessApp(harness, env);
  const { db, config } = app.deps;
  return {
    harness,
    app,
    async sessionFor(email) {
      const user = await getUserByEmail(db, config.tableName, email);
      if (!user) throw new Error(`${email} is not in the synced directory`);
      const { identifier } = await createSession(db, config.tableName, user, 'vitest', sessionPolicy(config));
      return new Map([[SESSION_COOKIE, identifier]]);
    },
    get: (path, jar) => browserFetch(app.origin, path, jar),
    post: (path, jar, body, headers = { 'content-type': 'application/json' }) =>
      browserFetch(app.origin, path, jar, { method: 'POST', body, headers }),
    async close() {
      await app.close();
      await harness.close();
    },
  };
}
