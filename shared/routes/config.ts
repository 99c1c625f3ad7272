/**
 * The web client's runtime configuration, served at GET /api/config (public: it holds nothing
 * secret, an OAuth client id is visible in every consent screen). One static build reads it at
 * start-up, so the same files run against the emulator locally and against Google in AWS.
 */
import type { Config, Integration } from '../config/config.js';
import { json } from '../http/http.js';
import type { Route } from '../http/router.js';
import { dependencies } from '../runtime/dependencies.js';

export interface WebConfig {
  /** The OAuth client id the Google Identity Services token client asks tokens for. */
  readonly clientId: string;
  /** Google Identity Services' script (the emulator's drop-in locally). */
  readonly gsiScriptUrl: string;
  /** Base URLs (with the version path and a trailing slash) of the APIs the browser calls. */
  readonly googleApis: { readonly gmail: string; readonly drive: string; readonly calendar: string };
  /** Integrations the tenant turned on; each user then turns on the ones they want. */
  readonly enabledIntegrations: readonly Integration[];
}

/** Google's production hosts; gmail.googleapis.com is the host Google documents for Gmail. */
const GOOGLE_API_ROOT = 'https://www.googleapis.com/';
const GOOGLE_APIS = {
  gmail: 'https://gmail.googleapis.com/gmail/v1/',
  drive: 'https://www.googleapis.com/drive/v3/',
  calendar: 'https://www.googleapis.com/calendar/v3/',
} as const;

export function webConfig(config: Pick<Config, 'googleClientId' | 'oidcIssuer' | 'googleApiRoot' | 'enabledIntegrations'>): WebConfig {
  const root = config.googleApiRoot;
  return {
    clientId: config.googleClientId,
    gsiScriptUrl: `${new URL(config.oidcIssuer).origin}/gsi/client`,
    googleApis: root === GOOGLE_API_ROOT
      ? GOOGLE_APIS
      : { gmail: `${root}gmail/v1/`, drive: `${root}drive/v3/`, calendar: `${root}calendar/v3/` },
    enabledIntegrations: config.enabledIntegrations,
  };
}

/** GET /api/config: public and the same for everyone, cacheable briefly so a change reaches browsers within minutes. */
export const webConfigRoute: Route = {
  method: 'GET',
  path: '/api/config',
  handler: async () => json(200, webConfig(dependencies().config), { headers: { 'cache-control': 'public, max-age=300' } }),
};
