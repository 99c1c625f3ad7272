/**
 * Google Identity Services' token model, emulated: the drop-in script at /gsi/client, the consent
 * popup at /gsi/authorize (one checkbox per requested scope: granular consent; scopes granted
 * earlier are remembered and, with include_granted_scopes, added to the new token until the user
 * revokes the app.
 * Tokens come from the emulator's TokenRegistry, so every API checks them like any other.
 */
import { readFileSync } from 'node:fs';
import type { EmulatorContext, EmulatorModule } from '../module.js';
import { escapeHtml, formBody, html, OAuthError, type EmulatorResponse, type EmulatorRoute } from '../http.js';
import { errorPage } from '../oauth/chooser-page.js';
import type { DirectoryUserResource } from '../seed/model.js';

const asset = (name: string) => readFileSync(new URL(`./${name}`, import.meta.url), 'utf8');
const SCRIPT_HEADERS = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' };

/** How long a GIS access token lives, as Google's (3599 seconds). */
export const GSI_TOKEN_SECONDS = 3599;

interface TokenRequest {
  readonly clientId: string;
  readonly origin: string;
  readonly state: string;
  readonly scopes: readonly string[];
  readonly includeGranted: boolean;
}

export function gsiRoutes(context: EmulatorContext): EmulatorRoute[] {
  const client = asset('client.js');
  const popup = asset('popup.js');
  /**
   * Scopes each user granted each client ("clientId user-id"), with the last token issued for them.
   * Google's revoke (POST /revoke, the OpenID routes) ends every token of the user for the client;
   * a last token gone from the registry before its expiry therefore means the grant was revoked.
   */
  const remembered = new Map<string, { scopes: Set<string>; token: string; expiresAt: number }>();
  const key = (clientId: string, user: DirectoryUserResource) => `${clientId} ${user.id}`;
  const earlierGrant = (clientId: string, user: DirectoryUserResource): Set<string> => {
    const entry = remembered.get(key(clientId, user));
    if (!entry) return new Set();
    if (context.now() < entry.expiresAt && !context.tokens.accessGrant(entry.token)) {
      remembered.delete(key(clientId, user));
      return new Set();
    }
    return entry.scopes;
  };

  const tokenRequest = (params: URLSearchParams, scopeParam = 'scope'): TokenRequest => {
    const clientId = params.get('client_id') ?? '';
    const registered = context.clients.get(clientId);
    if (!registered) throw new OAuthError(401, 'invalid_client', 'The OAuth client was not found.');
    const origin = params.get('origin') ?? '';
    if (!(registered.javascriptOrigins ?? []).includes(origin)) {
      throw new OAuthError(
        400,
        'origin_mismatch',
        `Not a valid origin for the client: ${origin} has not been registered for client ID ${clientId}.`,
      );
    }
    const scopes = [...new Set((params.get(scopeParam) ?? '').split(/\s+/).filter(Boolean))];
    if (scopes.length === 0) throw new OAuthError(400, 'invalid_request', 'Missing required parameter: scope');
    return { clientId, origin, state: params.get('state') ?? '', scopes, includeGranted: params.get('include_granted_scopes') !== 'false' };
  };

  const liveUser = (email: string | null): DirectoryUserResource | undefined => {
    const user = email ? context.directory.user(email) : undefined;
    return user && !user.deletionTime && !user.suspended ? user : undefined;
  };

  /** The page that hands the answer to the opener and closes. */
  const answer = (request: TokenRequest, response: Record<string, unknown>): EmulatorResponse => {
    const data = JSON.stringify({ state: request.state, origin: request.origin, response }).replace(/</g, '\\u003c');
    return html(
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head><body><p>Returning to the app…</p><script ` +
        `type="application/json" id="gsi-result">${data}</script><script src="/gsi/popup.js"></script></body></html>`,
    );
  };

  const grant = (request: TokenRequest, user: DirectoryUserResource, chosen: readonly string[]): EmulatorResponse => {
    const earlier = earlierGrant(request.clientId, user);
    const scopes = [...new Set([...(request.includeGranted ? earlier : []), ...chosen])];
    if (scopes.length === 0)
      return answer(request, { error: 'access_denied', error_description: 'The user did not grant any permission.' });
    const { token, grant: issued } = context.tokens.issueAccess(
      { clientId: request.clientId, scopes, email: user.primaryEmail, userId: user.id },
      GSI_TOKEN_SECONDS,
    );
    remembered.set(key(request.clientId, user), { scopes: new Set([...earlier, ...chosen]), token, expiresAt: issued.expiresAt });
    return answer(request, {
      access_token: token,
      token_type: 'Bearer',
      expires_in: GSI_TOKEN_SECONDS,
      scope: scopes.join(' '),
      prompt: 'consent',
      authuser: '0',
      hd: user.primaryEmail.split('@')[1],
    });
  };

  return [
    {
      method: 'GET',
      path: '/gsi/client',
      name: 'gsi.client',
      kind: 'oauth',
      handler: () => ({ status: 200, headers: SCRIPT_HEADERS, body: client }),
    },
    {
      method: 'GET',
      path: '/gsi/popup.js',
      name: 'gsi.popup',
      kind: 'oauth',
      handler: () => ({ status: 200, headers: SCRIPT_HEADERS, body: popup }),
    },
    {
      method: 'GET',
      path: '/gsi/authorize',
      name: 'gsi.authorize',
      kind: 'oauth',
      handler: (r) =>
        shownAsPage(() => {
          const request = tokenRequest(r.query);
          const user = liveUser(r.query.get('login_hint'));
          const earlier = user ? earlierGrant(request.clientId, user) : new Set<string>();
          // Like Google with prompt='' : nothing new to consent to, so the popup answers at once.
          if (user && r.query.get('prompt') !== 'consent' && request.scopes.every((s) => earlier.has(s)))
            return grant(request, user, request.scopes);
          return html(200, consentPage(request, user, earlier, r.query.get('login_hint')));
        }),
    },
    {
      method: 'POST',
      path: '/gsi/authorize',
      name: 'gsi.consent',
      kind: 'oauth',
      handler: (r) =>
        shownAsPage(() => {
          const form = formBody(r);
          const request = tokenRequest(form, 'scope_list');
          if (form.get('action') !== 'allow')
            return answer(request, { error: 'access_denied', error_description: 'The user denied the request.' });
          const user = liveUser(form.get('account'));
          if (!user)
            return html(
              400,
              consentPage(request, undefined, new Set(), form.get('account'), 'No active account with that address in this Workspace.'),
            );
          const chosen = form.getAll('scope').filter((s) => request.scopes.includes(s));
          return grant(request, user, chosen);
        }),
    },
  ];
}

/** The popup is a page: a refused request shows Google's "Access blocked" page, not JSON. */
function shownAsPage(handle: () => EmulatorResponse): EmulatorResponse {
  try {
    return handle();
  } catch (error) {
    if (error instanceof OAuthError) return html(error.status, errorPage(error.error, error.description));
    throw error;
  }
}

const SCOPE_TEXT: Record<string, string> = {
  'https://www.googleapis.com/auth/gmail.metadata': 'View your email message metadata such as labels and headers, but not the email body',
  'https://www.googleapis.com/auth/gmail.readonly': 'View your email messages and settings',
  'https://www.googleapis.com/auth/drive.readonly': 'See and download all your Google Drive files',
  'https://www.googleapis.com/auth/drive': 'See, edit, create, and delete all of your Google Drive files',
  'https://www.googleapis.com/auth/calendar.readonly': 'See and download any calendar you can access using your Google Calendar',
  'https://www.googleapis.com/auth/calendar.events': 'View and edit events on all your calendars',
};

function consentPage(
  request: TokenRequest,
  user: DirectoryUserResource | undefined,
  earlier: ReadonlySet<string>,
  hint: string | null,
  error?: string,
): string {
  const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  const rows = request.scopes
    .map(
      (scope, i) =>
        `<li><label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked id="scope-${i}"> ` +
        `${escapeHtml(SCOPE_TEXT[scope] ?? scope)} <code>${escapeHtml(scope)}</code></label></li>`,
    )
    .join('');
  const account = user
    ? `<p>Signed in as <strong>${escapeHtml(user.primaryEmail)}</strong></p>${hidden('account', user.primaryEmail)}`
    : `<p><label for="account">Choose an account</label> <input type="email" id="account" name="account" required value="${escapeHtml(hint ?? '')}"></p>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Google Emulator – Consent</title></head><body>
<h1>The app wants access to your Google Account</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/gsi/authorize">
${account}
${hidden('client_id', request.clientId)}${hidden('origin', request.origin)}${hidden('state', request.state)}
${hidden('scope_list', request.scopes.join(' '))}${hidden('include_granted_scopes', String(request.includeGranted))}
<p>Select what <strong>${escapeHtml(request.origin)}</strong> can access:</p>
<ul>${rows}</ul>
${earlier.size > 0 ? `<p>You already granted: ${[...earlier].map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}</p>` : ''}
<button type="submit" name="action" value="allow" id="allow">Continue</button>
<button type="submit" name="action" value="deny" id="deny">Cancel</button>
</form></body></html>`;
}

export const gsiModule: EmulatorModule = { name: 'gsi', routes: gsiRoutes };
