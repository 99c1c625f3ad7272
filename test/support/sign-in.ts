import { SESSION_COOKIE } from '../../shared/http/cookies.js';
import type { Emulator } from '../../local/emulator/emulator.js';

/**
 * Drives Sign in with Google over real HTTP, as a browser would, with cookies handled explicitly
 * (Node's fetch keeps none): GET /auth/login → the provider's authorization endpoint → GET
 * /auth/callback. `authorize` is the provider-specific part: given the authorization URL it returns
 * the URL the provider sends the browser back to (our callback).
 */
export type CookieJar = Map<string, string>;
export type Authorize = (authorizationUrl: URL) => Promise<URL>;

export function storeCookies(jar: CookieJar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (/;\s*Max-Age=0\b/i.test(line)) jar.delete(name);
    else jar.set(name, pair.slice(eq + 1).trim());
  }
}

export function cookieHeader(jar: CookieJar): string {
  return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** A request as the intranet's own pages send it: cookies, and Origin on every request as browsers do for non-GET. */
export async function browserFetch(origin: string, path: string, jar: CookieJar, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(`${origin}${path}`, {
    redirect: 'manual',
    ...init,
    headers: {
      cookie: cookieHeader(jar),
      ...(init.method && init.method !== 'GET' ? { origin } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  storeCookies(jar, response);
  return response;
}

export interface StartedLogin {
  readonly response: Response;
  readonly authorizationUrl: URL;
}

export async function startLogin(origin: string, jar: CookieJar, returnTo?: string): Promise<StartedLogin> {
  const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
  const response = await browserFetch(origin, `/auth/login${query}`, jar);
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`GET /auth/login answered ${response.status}: ${await response.text()}`);
  return { response, authorizationUrl: new URL(location) };
}

/** The Google emulator's account chooser: the browser picks `email`. */
export const chooseAccount =
  (emulator: Emulator, email: string): Authorize =>
  (authorizationUrl) =>
    emulator.signInAs(authorizationUrl, email);

/** The provider answers the authorization request at once with a redirect (no login page). */
export const followProviderRedirect: Authorize = async (authorizationUrl) => {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`The provider answered ${response.status}: ${await response.text()}`);
  return new URL(location);
};

export interface SignInResult {
  /** The callback's answer. */
  readonly response: Response;
  readonly jar: CookieJar;
  /** The raw session identifier, when a session was set. */
  readonly sessionId: string | undefined;
  readonly callbackUrl: URL;
}

export async function completeCallback(origin: string, callbackUrl: URL, jar: CookieJar): Promise<SignInResult> {
  if (callbackUrl.origin !== origin) throw new Error(`The provider redirected to ${callbackUrl.origin}, not ${origin}`);
  const response = await browserFetch(origin, `${callbackUrl.pathname}${callbackUrl.search}`, jar);
  return { response, jar, sessionId: jar.get(SESSION_COOKIE), callbackUrl };
}

/** The whole flow; `jar` carries cookies across (a browser that already has a session, or parallel tabs). */
export async function signIn(
  origin: string,
  authorize: Authorize,
  options: { returnTo?: string; jar?: CookieJar } = {},
): Promise<SignInResult> {
  const jar = options.jar ?? new Map<string, string>();
  const { authorizationUrl } = await startLogin(origin, jar, options.returnTo);
  return completeCallback(origin, await authorize(authorizationUrl), jar);
}
