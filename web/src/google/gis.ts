/**
 * Google Identity Services' token client, wrapped as "ask for these scopes now" returning a
 * promise. The script is Google's (or the emulator's drop-in locally); nothing else in the client
 * talks to it. requestAccessToken must run inside the user's click (popup blockers), so the script
 * is loaded ahead of time and `request` calls it synchronously.
 */
import type { TokenResponse } from './ledger.js';

interface TokenClientConfig {
  client_id: string;
  scope: string;
  include_granted_scopes?: boolean;
  prompt?: string;
  login_hint?: string;
  callback: (response: TokenResponse) => void;
  error_callback?: (error: { type: string; message?: string }) => void;
}
interface TokenClient {
  requestAccessToken(override?: { scope?: string; include_granted_scopes?: boolean; prompt?: string; login_hint?: string }): void;
}
interface Oauth2 {
  initTokenClient(config: TokenClientConfig): TokenClient;
  revoke(token: string, done?: (response: { successful: boolean; error?: string }) => void): void;
}
declare global {
  interface Window {
    google?: { accounts?: { oauth2?: Oauth2 } };
  }
}

/** Why a request ended without a token response (GIS error_callback types, plus our own). */
export class PopupError extends Error {
  override name = 'PopupError';
  constructor(
    readonly type: 'popup_closed' | 'popup_failed_to_open' | 'busy' | 'not_loaded' | 'unknown',
    message: string,
  ) {
    super(message);
  }
}

const POPUP_MESSAGES: Record<string, string> = {
  popup_closed: 'The Google window was closed before you chose. Click again to continue.',
  popup_failed_to_open: 'Your browser blocked the Google window. Allow pop-ups for this site, then click again.',
};

export interface Gis {
  /** Opens Google's consent popup for `scopes` (added to those already granted). Call from a click handler only. */
  request(scopes: readonly string[]): Promise<TokenResponse>;
  revoke(accessToken: string): Promise<void>;
}

let loading: Promise<Oauth2> | undefined;

/** Adds the GIS script once (CSP allows exactly this URL) and resolves when google.accounts.oauth2 exists. */
export function loadGis(scriptUrl: string): Promise<Oauth2> {
  loading ??= new Promise<Oauth2>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = scriptUrl;
    script.async = true;
    script.onload = () => {
      const oauth2 = window.google?.accounts?.oauth2;
      if (oauth2) resolve(oauth2);
      else reject(new Error('Google Identity Services loaded without google.accounts.oauth2.'));
    };
    script.onerror = () => {
      loading = undefined;
      reject(new Error('Google Identity Services could not be loaded. Check your connection and reload the page.'));
    };
    document.head.append(script);
  });
  return loading;
}

/**
 * A token client per request, made with the scopes asked: GIS's reference marks `scope` required
 * at initTokenClient (TokenClientConfig), and the scopes are known only at the click. initTokenClient
 * opens nothing, so making it inside the click keeps requestAccessToken within the user's gesture.
 */
export function createGis(oauth2: Oauth2, clientId: string, loginHint: string | undefined): Gis {
  let busy = false;
  return {
    request(scopes) {
      if (scopes.length === 0) return Promise.reject(new Error('A Google token request needs at least one scope.'));
      if (busy) return Promise.reject(new PopupError('busy', 'A Google window is already open: finish or close it first.'));
      return new Promise<TokenResponse>((resolve, reject) => {
        const client = oauth2.initTokenClient({
          client_id: clientId,
          scope: scopes.join(' '),
          // Incremental consent: the token also carries every scope granted before.
          include_granted_scopes: true,
          // Empty prompt: Google shows consent only for scopes not granted yet.
          prompt: '',
          ...(loginHint ? { login_hint: loginHint } : {}),
          callback: (response) => {
            busy = false;
            resolve(response);
          },
          error_callback: (error) => {
            busy = false;
            reject(
              new PopupError(
                error.type === 'popup_closed' || error.type === 'popup_failed_to_open' ? error.type : 'unknown',
                POPUP_MESSAGES[error.type] ?? `Google sign-in failed (${error.type}). Click again to retry.`,
              ),
            );
          },
        });
        busy = true;
        client.requestAccessToken();
      });
    },
    revoke(accessToken) {
      return new Promise<void>((resolve) => oauth2.revoke(accessToken, () => resolve()));
    },
  };
}
