import { html, type HttpResponse } from '../../http/http.js';
import { LOGIN_REASONS, type LoginReason } from '../../domain/auth/errors.js';

/**
 * The pages a person sees when sign-in does not work: what happened, in plain words, and what to
 * do next, never a stack trace. The reason code and request id are printed for support. No
 * scripts or inline styles (the site's CSP allows neither): they take the app's own design system
 * from /theme.css (web/public), so they look like the rest of the intranet, light or dark.
 */
export interface PageContext {
  readonly requestId: string;
  readonly allowedDomains: readonly string[];
}

const TRY_AGAIN = '<p><a class="button primary" href="/auth/login">Sign in again</a></p>';

function whatToDo(reason: LoginReason, context: PageContext): string {
  const work = context.allowedDomains.map((d) => `<strong>@${escapeHtml(d)}</strong>`).join(' or ');
  switch (reason) {
    case 'hd_missing':
    case 'hd_not_allowed':
    case 'email_domain_mismatch':
      return (
        `<p>Sign in with your work account (${work}). In Google's account chooser, pick your work account or choose "Use ` +
        `another account".</p>${TRY_AGAIN}`
      );
    case 'email_unverified':
      return '<p>Ask your Google Workspace administrator to verify the email address of your account, then sign in again.</p>';
    case 'user_unknown':
      return (
        '<p>Google did not confirm your account to the intranet. If your account was created or restored just now, try again in ten ' +
        'minutes; if it still does not work, contact your IT helpdesk.</p>'
      );
    case 'account_setup_busy':
      return `<p>Please try again in a few minutes.</p>${TRY_AGAIN}`;
    case 'account_suspended':
    case 'account_archived':
    case 'account_deleted':
      return '<p>If you think this is a mistake, contact your IT helpdesk or Google Workspace administrator.</p>';
    case 'provider_error':
      return `<p>If you cancelled, nothing is wrong: you can start again.</p>${TRY_AGAIN}`;
    default:
      return `<p>Nothing was saved. Please start the sign-in again; if it keeps happening, contact your IT helpdesk with the reference below.</p>${TRY_AGAIN}`;
  }
}

export function loginRejectedPage(
  status: number,
  reason: LoginReason,
  context: PageContext,
  cookies: readonly string[] = [],
): HttpResponse {
  const title = status === 403 ? 'You cannot sign in with this account' : 'Sign-in did not complete';
  return page(
    status,
    title,
    `<p>${escapeHtml(LOGIN_REASONS[reason])}</p>${whatToDo(reason, context)}`,
    `${reason} · request ${context.requestId}`,
    cookies,
  );
}

/** Seconds between the "being set up" page's attempts; with SETUP_WAIT_MS it bounds them (about six). */
export const SETUP_RETRY_SECONDS = 10;

/**
 * A first sign-in whose account the intranet is fetching from Google: the page signs in again by
 * itself after a few seconds (a meta refresh, which the CSP allows; no script), back to where the
 * person was going. Sign-in decides each time whether to keep waiting, so the attempts end.
 */
export function accountSetupPage(requestId: string, returnTo: string, cookies: readonly string[] = []): HttpResponse {
  const again = `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
  const body =
    `<p>This is your first sign-in: the intranet is fetching your profile from Google's directory. This takes a few seconds; the ` +
    `page continues by itself.</p><p><a href="${escapeHtml(again)}">Continue now</a></p>`;
  return page(
    200,
    'Your account is being set up',
    body,
    `account_setup · request ${requestId}`,
    cookies,
    `<meta http-equiv="refresh" content="${SETUP_RETRY_SECONDS}; url=${escapeHtml(again)}">`,
  );
}

/** An unexpected failure: 500 like every other one (the foundation's rule), with the request id to quote. */
export function signInUnavailablePage(requestId: string, cookies: readonly string[] = []): HttpResponse {
  return page(
    500,
    'Sign-in is unavailable right now',
    `<p>We could not complete the sign-in with Google. Please try again in a minute.</p>${TRY_AGAIN}`,
    `request ${requestId}`,
    cookies,
  );
}

function page(status: number, title: string, body: string, reference: string, cookies: readonly string[], head = ''): HttpResponse {
  return html(
    status,
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">${head}
<title>${escapeHtml(title)} · Intranet</title><link rel="stylesheet" href="/theme.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head>
<body>
<main class="page signin">
<h1>${escapeHtml(title)}</h1>
<div class="error">${body}</div>
<p><a href="/">Back to the intranet</a></p>
<p class="muted small">Reference: <code>${escapeHtml(reference)}</code></p>
</main>
</body>
</html>
`,
    { cookies },
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
