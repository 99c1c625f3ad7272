/**
 * The one holder of the Google access token in the page (memory only, never storage): asks for
 * scopes through GIS on the user's click, keeps the include_granted_scopes union, notices partial
 * grants and expiry, and tells the widgets when anything changed.
 */
import { PopupError, type Gis } from './gis.js';
import { accessFor, deniedFeatures, scopesToRequest, tokenFromResponse, type Access, type GoogleToken } from './ledger.js';
import { entryFor, REVOKE_SCOPE, type Feature } from './scopes.js';

/** The user's choice in the consent popup left out a scope a click needed. */
export class ScopeDeniedError extends Error {
  override name = 'ScopeDeniedError';
  constructor(readonly features: readonly Feature[]) {
    super(`Permission needed: ${features.map((f) => entryFor(f).label).join(', ')}. Tick it in the Google window to continue.`);
  }
}

export class GoogleAccess {
  private token: GoogleToken | undefined;
  private everConnected = false;
  private gis: Gis | undefined;
  private gisError: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Set once Google Identity Services has loaded; buttons that ask for scopes wait for it. */
  attach(gis: Gis): void {
    this.gis = gis;
    this.changed();
  }

  get ready(): boolean {
    return this.gis !== undefined;
  }

  /** Why Google Identity Services could not load (blocked, offline), for the widgets to say. */
  get loadError(): string | undefined {
    return this.gisError;
  }

  unavailable(message: string): void {
    this.gisError = message;
    this.changed();
  }

  access(feature: Feature): Access {
    return accessFor(this.token, feature, this.now(), this.everConnected);
  }

  /** Scopes the current (unexpired) token carries: the Settings ledger. */
  granted(): ReadonlySet<string> {
    return this.liveToken()?.granted ?? new Set();
  }

  /**
   * Makes sure the token allows every feature, opening Google's popup if anything is missing or
   * the token expired. Call it only from a click handler: the popup opens synchronously.
   */
  async ensure(features: readonly Feature[]): Promise<GoogleToken> {
    const current = this.liveToken();
    const scopes = scopesToRequest(current, features, this.now());
    if (current && scopes.length === 0) return current;
    const response = await this.loadedGis().request(scopes);
    const token = tokenFromResponse(response, this.now());
    // User Timing marks (no data in them): the benchmark, and any real-user monitoring, time widgets from here.
    performance.mark('wb:google-token');
    this.token = token;
    this.everConnected = true;
    this.changed();
    const denied = deniedFeatures(token, features);
    if (denied.length > 0) throw new ScopeDeniedError(denied);
    return token;
  }

  /** Google answered 401: the token is no longer good; widgets ask the user to reconnect. */
  invalidate(accessToken: string): void {
    if (this.token?.accessToken !== accessToken) return;
    this.token = undefined;
    this.changed();
  }

  /**
   * "Disconnect Google": revokes every grant of this app for the user and forgets the token. Without
   * a live token in this tab (a reload forgets it; an expired one can no longer be revoked) it first
   * asks GIS for one, so grants from earlier visits can be taken away too. Call it only from a click
   * handler: the popup opens synchronously.
   */
  async disconnect(): Promise<void> {
    const live = this.liveToken();
    this.token = undefined;
    this.everConnected = false;
    this.changed();
    const gis = this.loadedGis();
    const accessToken = live?.accessToken ?? tokenFromResponse(await gis.request([REVOKE_SCOPE]), this.now()).accessToken;
    await gis.revoke(accessToken);
  }

  /** Forgets the token without revoking (sign-out of the intranet). */
  forget(): void {
    this.token = undefined;
    this.everConnected = false;
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The token while it is good (unexpired), else undefined. */
  private liveToken(): GoogleToken | undefined {
    return this.token && this.now() < this.token.expiresAt ? this.token : undefined;
  }

  /** GIS, for a click that needs it: popups cannot open before the script has loaded. */
  private loadedGis(): Gis {
    if (!this.gis) throw new PopupError('not_loaded', 'Google sign-in is still loading. Try again in a moment.');
    return this.gis;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
