/** The OAuth clients registered with the emulated Google: id, secret and allowed redirect URIs. */
import { LOCAL_DEFAULTS } from '../../../shared/config/config.js';

export interface OAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUris: readonly string[];
  /** JavaScript origins allowed for the browser token flow (Google Identity Services). */
  readonly javascriptOrigins?: readonly string[];
}

/** The intranet's local client: what `npm start` and the tests configure by default. */
export const DEFAULT_CLIENT: OAuthClient = {
  clientId: LOCAL_DEFAULTS.googleClientId,
  clientSecret: LOCAL_DEFAULTS.googleClientSecret,
  redirectUris: ['http://localhost:3000/auth/callback'],
  javascriptOrigins: ['http://localhost:3000'],
};

export class OAuthClients {
  private readonly clients = new Map<string, OAuthClient>();

  constructor(clients: readonly OAuthClient[]) {
    for (const client of clients) this.register(client);
  }

  register(client: OAuthClient): void {
    this.clients.set(client.clientId, {
      ...client,
      redirectUris: [...client.redirectUris],
      javascriptOrigins: [...(client.javascriptOrigins ?? [])],
    });
  }

  addRedirectUri(clientId: string, redirectUri: string): void {
    const client = this.require(clientId);
    const origin = new URL(redirectUri).origin;
    this.clients.set(clientId, {
      ...client,
      redirectUris: [...new Set([...client.redirectUris, redirectUri])],
      javascriptOrigins: [...new Set([...(client.javascriptOrigins ?? []), origin])],
    });
  }

  get(clientId: string): OAuthClient | undefined {
    return this.clients.get(clientId);
  }

  private require(clientId: string): OAuthClient {
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`No OAuth client ${clientId} is registered.`);
    return client;
  }
}
