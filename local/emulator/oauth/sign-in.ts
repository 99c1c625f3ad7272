/**
 * Programmatic sign-in for automated tests: completes the emulator's account chooser over HTTP
 * the way a browser would (GET the authorization URL, post the chosen account) and returns the
 * callback URL the browser would be redirected to — code, state, scope and iss included.
 */
export class SignInError extends Error {
  override name = 'SignInError';
}

export async function signInAs(authorizationUrl: string | URL, email: string): Promise<URL> {
  const chooser = await fetch(authorizationUrl, { redirect: 'manual' });
  const page = await chooser.text();
  if (chooser.status !== 200) {
    const code = /<code>([^<]*)<\/code>/.exec(page)?.[1] ?? 'unknown';
    throw new SignInError(`The authorization endpoint refused the request (${chooser.status} ${code}).`);
  }
  const requestId = /name="request" value="([^"]+)"/.exec(page)?.[1];
  if (!requestId) throw new SignInError('The authorization endpoint did not show the account chooser.');
  const choice = await fetch(new URL('/o/oauth2/v2/auth/choose', authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: requestId, account: email }),
    redirect: 'manual',
  });
  const location = choice.headers.get('location');
  if (choice.status !== 302 || !location) throw new SignInError(`The account chooser did not accept ${email} (${choice.status}).`);
  return new URL(location);
}
