/**
 * The account chooser and error pages. Plain HTML forms without script, so a browser test can
 * click a button named after the account and an HTTP client can post the same form.
 */
import { escapeHtml as e } from '../http.js';
import type { OidcAccount } from './accounts.js';

/** What the chooser shows of a pending authorization request. */
export interface ChooserRequest {
  readonly clientId: string;
  readonly loginHint?: string;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;color:#202124}' +
  'button.account{display:block;width:100%;text-align:left;padding:.6rem;margin:.3rem 0;border:1px solid ' +
  '#dadce0;border-radius:8px;background:#fff;cursor:pointer}' +
  'small{color:#5f6368}';

export function chooserPage(requestId: string, request: ChooserRequest, accounts: readonly OidcAccount[], problem?: string): string {
  const items = accounts
    .map(
      (a) =>
        `<button class="account" type="submit" name="account" value="${e(a.email)}">` +
        `<strong>${e(a.name)}</strong><br><small>${e(a.email)}${a.hd ? '' : ' · personal account'}` +
        `${a.emailVerified ? '' : ' · email not verified'}</small></button>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in – Google Accounts (emulator)</title><style>${STYLE}</style></head><body>
<h1>Choose an account</h1>
<p>to continue to <strong>${e(request.clientId)}</strong></p>
${problem ? `<p role="alert">${e(problem)}</p>` : ''}
<form method="post" action="/o/oauth2/v2/auth/choose">
<input type="hidden" name="request" value="${e(requestId)}">
${items}
</form>
<form method="post" action="/o/oauth2/v2/auth/choose">
<input type="hidden" name="request" value="${e(requestId)}">
<label>Use another account <input type="email" name="account" autocomplete="off" value="${e(request.loginHint ?? '')}"></label>
<button type="submit">Next</button>
</form>
<form method="post" action="/o/oauth2/v2/auth/choose">
<input type="hidden" name="request" value="${e(requestId)}">
<button type="submit" name="cancel" value="1">Cancel</button>
</form>
</body></html>`;
}

export function errorPage(error: string, description: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error 400 (OAuth 2.0) – Google Accounts ` +
    `(emulator)</title><style>${STYLE}</style></head><body>
<h1>Access blocked: authorization error</h1>
<p id="error-code">Error: <code>${e(error)}</code></p>
<p id="error-description">${e(description)}</p>
</body></html>`
  );
}
