/**
 * Google's authorization endpoint (`/o/oauth2/v2/auth`) for the code flow: checks the client and
 * redirect URI (errors there are shown, never redirected, as Google does), scope, PKCE and
 * response type; shows the account chooser; on a choice issues a single-use code bound to the
 * client, redirect URI, PKCE challenge and nonce, and redirects with code, state, scope and `iss`.
 */
import { randomBytes } from 'node:crypto';
import { formBody, html, redirect, type EmulatorRequest, type EmulatorResponse } from '../http.js';
import type { OidcAccount, OidcAccounts } from './accounts.js';
import { chooserPage, errorPage } from './chooser-page.js';
import type { OAuthClients } from './clients.js';
import type { TokenRegistry } from './tokens.js';

/** Google expands the OpenID shorthand scopes to these URIs in what it grants. */
export const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};
const API_SCOPE_PREFIX = 'https://www.googleapis.com/auth/';
const REQUEST_LIFETIME_MS = 10 * 60_000;
const CODE_LIFETIME_MS = 5 * 60_000;

export interface AuthorizationRequest {
  readonly clientId: string;
  readonly redirectUri: string;
  /** Expanded (email → …/userinfo.email). */
  readonly scopes: readonly string[];
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge?: string;
  readonly codeChallengeMethod?: 'S256' | 'plain';
  readonly loginHint?: string;
  readonly hd?: string;
  readonly offline: boolean;
}

export interface AuthorizationCode {
  readonly request: AuthorizationRequest;
  readonly account: OidcAccount;
  readonly expiresAt: number;
  used: boolean;
}

export interface AuthorizationDeps {
  readonly issuer: string;
  readonly clients: OAuthClients;
  readonly accounts: OidcAccounts;
  readonly tokens: TokenRegistry;
  readonly now: () => number;
}

export class AuthorizationEndpoint {
  private readonly pending = new Map<string, { request: AuthorizationRequest; expiresAt: number }>();
  readonly codes = new Map<string, AuthorizationCode>();

  constructor(private readonly deps: AuthorizationDeps) {}

  /** GET /o/oauth2/v2/auth: validate, then show the chooser. */
  start(request: EmulatorRequest): EmulatorResponse {
    const parsed = this.parse(request.query);
    if ('error' in parsed) return parsed.error;
    // The emulator keeps no browser session, so a silent request is answered as Google answers one without a session.
    if (request.query.get('prompt') === 'none') return redirect(callbackUrl(parsed, { error: 'login_required' }, this.deps.issuer));
    const id = randomBytes(16).toString('base64url');
    this.pending.set(id, { request: parsed, expiresAt: this.deps.now() + REQUEST_LIFETIME_MS });
    return html(200, chooserPage(id, parsed, this.deps.accounts.chooserList(parsed.loginHint)));
  }

  /** POST /o/oauth2/v2/auth/choose: the chooser's answer (an account, or cancel). */
  choose(request: EmulatorRequest): EmulatorResponse {
    const form = formBody(request);
    const id = form.get('request') ?? '';
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (!entry || entry.expiresAt < this.deps.now())
      return html(400, errorPage('invalid_request', 'This sign-in request expired or was already used. Start again from the application.'));
    const { request: authorization } = entry;
    if (form.has('cancel')) return redirect(callbackUrl(authorization, { error: 'access_denied' }, this.deps.issuer));
    const account = this.deps.accounts.find((form.get('account') ?? '').trim());
    if (!account) {
      this.pending.set(id, entry);
      return html(
        200,
        chooserPage(id, authorization, this.deps.accounts.chooserList(authorization.loginHint), "Couldn't find your Google Account"),
      );
    }
    const code = this.deps.tokens.mint('code');
    this.codes.set(code, { request: authorization, account, expiresAt: this.deps.now() + CODE_LIFETIME_MS, used: false });
    return redirect(
      callbackUrl(
        authorization,
        {
          code,
          scope: authorization.scopes.join(' '),
          authuser: '0',
          ...(account.hd ? { hd: account.hd } : {}),
          prompt: 'consent',
        },
        this.deps.issuer,
      ),
    );
  }

  private parse(query: URLSearchParams): AuthorizationRequest | { error: EmulatorResponse } {
    const fail = (status: number, error: string, description: string) => ({ error: html(status, errorPage(error, description)) });
    const clientId = query.get('client_id');
    if (!clientId) return fail(400, 'invalid_request', 'Missing required parameter: client_id');
    const client = this.deps.clients.get(clientId);
    if (!client) return fail(401, 'invalid_client', 'The OAuth client was not found.');
    const redirectUri = query.get('redirect_uri');
    if (!redirectUri) return fail(400, 'invalid_request', 'Missing required parameter: redirect_uri');
    if (!client.redirectUris.includes(redirectUri)) {
      return fail(
        400,
        'redirect_uri_mismatch',
        `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. redirect_uri=${redirectUri}`,
      );
    }
    const responseType = query.get('response_type');
    if (!responseType) return fail(400, 'invalid_request', 'Missing required parameter: response_type');
    if (responseType !== 'code') return fail(400, 'unsupported_response_type', `Invalid response_type: ${responseType}`);
    const responseMode = query.get('response_mode');
    if (responseMode && responseMode !== 'query')
      return fail(400, 'invalid_request', `Invalid response_mode: ${responseMode} (the emulator answers in the query)`);
    const requested = (query.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return fail(400, 'invalid_request', 'Missing required parameter: scope');
    const invalid = requested.filter((s) => s !== 'openid' && !SCOPE_ALIASES[s] && !s.startsWith(API_SCOPE_PREFIX));
    if (invalid.length > 0) return fail(400, 'invalid_scope', `Some requested scopes were invalid. {invalid=[${invalid.join(', ')}]}`);
    const challenge = query.get('code_challenge') ?? undefined;
    const method = query.get('code_challenge_method') ?? undefined;
    if (method && !challenge) return fail(400, 'invalid_request', 'Missing code challenge.');
    if (method && method !== 'S256' && method !== 'plain') return fail(400, 'invalid_request', `Invalid code_challenge_method: ${method}`);
    if (challenge && !/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) return fail(400, 'invalid_request', 'Invalid code_challenge.');
    const accessType = query.get('access_type') ?? 'online';
    if (accessType !== 'online' && accessType !== 'offline') return fail(400, 'invalid_request', `Invalid access_type: ${accessType}`);
    const optional = (name: string) => query.get(name) ?? undefined;
    return {
      clientId,
      redirectUri,
      scopes: [...new Set(requested.map((s) => SCOPE_ALIASES[s] ?? s))],
      state: optional('state'),
      nonce: optional('nonce'),
      ...(challenge ? { codeChallenge: challenge, codeChallengeMethod: (method ?? 'plain') as 'S256' | 'plain' } : {}),
      loginHint: optional('login_hint'),
      hd: optional('hd'),
      offline: accessType === 'offline',
    };
  }
}

/** The redirect back to the client: `iss` too (RFC 9207), which Google now sends. */
function callbackUrl(request: AuthorizationRequest, params: Record<string, string>, issuer: string): string {
  const url = new URL(request.redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  if (request.state !== undefined) url.searchParams.set('state', request.state);
  url.searchParams.set('iss', issuer);
  return url.href;
}

/** The scopes any of which lets a token read the OpenID userinfo endpoint. */
export const OPENID_SCOPES = ['openid', SCOPE_ALIASES.email!, SCOPE_ALIASES.profile!] as const;
