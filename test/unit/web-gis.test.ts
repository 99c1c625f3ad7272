import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createGis, PopupError } from '../../web/src/google/gis.js';

const APP = 'http://localhost:3000';
const EMULATOR = 'http://localhost:4000';
const SCRIPT = readFileSync(new URL('../../local/emulator/gsi/client.js', import.meta.url), 'utf8');

type Oauth2 = Parameters<typeof createGis>[0];

/**
 * The emulator's GIS drop-in script run in a bare window: the popups it opens are recorded, and
 * `answer` posts the popup's message as the emulator's popup page does.
 */
function dropIn() {
  const opened: URL[] = [];
  /** A popup blocker makes window.open answer null. */
  const popups = { blocked: false };
  const listeners = new Set<(event: { origin: string; data: unknown }) => void>();
  const window: Record<string, unknown> = {
    location: { href: `${APP}/settings`, origin: APP },
    open: (url: string) => {
      if (popups.blocked) return null;
      opened.push(new URL(url));
      return { closed: false };
    },
    addEventListener: (_type: string, listener: (event: { origin: string; data: unknown }) => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: { origin: string; data: unknown }) => void) => listeners.delete(listener),
  };
  runInContext(
    SCRIPT,
    createContext({
      window,
      document: { currentScript: { src: `${EMULATOR}/gsi/client` } },
      URL,
      URLSearchParams,
      crypto: globalThis.crypto,
      setInterval: () => 0,
      clearInterval: () => undefined,
      fetch,
      console,
    }),
  );
  const oauth2 = (window.google as { accounts: { oauth2: Oauth2 } }).accounts.oauth2;
  const answer = (response: object) => {
    const state = opened.at(-1)!.searchParams.get('state');
    for (const listener of [...listeners]) listener({ origin: EMULATOR, data: { type: 'gsi-token', state, response } });
  };
  return { oauth2, opened, answer, popups };
}

describe("the emulator's GIS drop-in", () => {
  it("refuses a token client without a scope, as Google's reference requires one", () => {
    const { oauth2 } = dropIn();
    const config = { client_id: 'client', callback: () => undefined };
    for (const scope of [undefined, '', '   ']) {
      expect(() => oauth2.initTokenClient({ ...config, scope: scope as string })).toThrow('Missing required parameter scope.');
    }
    expect(() => oauth2.initTokenClient({ ...config, scope: 'email' })).not.toThrow();
  });
});

describe('the GIS wrapper', () => {
  it('makes each request with its scopes set at initTokenClient, incremental and with the login hint', async () => {
    const { oauth2, opened, answer } = dropIn();
    const gis = createGis(oauth2, 'client', 'ada@example.com');
    const token = gis.request(['https://www.googleapis.com/auth/gmail.metadata', 'https://www.googleapis.com/auth/drive.readonly']);
    expect(opened).toHaveLength(1);
    expect(Object.fromEntries(opened[0]!.searchParams)).toMatchObject({
      client_id: 'client',
      scope: 'https://www.googleapis.com/auth/gmail.metadata https://www.googleapis.com/auth/drive.readonly',
      include_granted_scopes: 'true',
      prompt: '',
      login_hint: 'ada@example.com',
      origin: APP,
    });
    await expect(gis.request(['email'])).rejects.toMatchObject({ type: 'busy' });
    answer({ access_token: 't1', expires_in: 3599, scope: 'x' });
    await expect(token).resolves.toMatchObject({ access_token: 't1' });

    const next = gis.request(['email']);
    expect(opened[1]!.searchParams.get('scope')).toBe('email');
    answer({ access_token: 't2', expires_in: 3599, scope: 'email' });
    await expect(next).resolves.toMatchObject({ access_token: 't2' });
  });

  it('refuses a request for no scope before opening anything', async () => {
    const { oauth2, opened } = dropIn();
    await expect(createGis(oauth2, 'client', undefined).request([])).rejects.toThrow(/at least one scope/);
    expect(opened).toHaveLength(0);
  });

  it('reports a blocked popup, and is free for the next click', async () => {
    const { oauth2, opened, answer, popups } = dropIn();
    const gis = createGis(oauth2, 'client', undefined);
    popups.blocked = true;
    const blocked = await gis.request(['email']).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(PopupError);
    expect(blocked).toMatchObject({ type: 'popup_failed_to_open' });
    popups.blocked = false;
    const token = gis.request(['email']);
    expect(opened).toHaveLength(1);
    answer({ access_token: 't', expires_in: 3599, scope: 'email' });
    await expect(token).resolves.toMatchObject({ access_token: 't' });
  });
});
