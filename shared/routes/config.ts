/**
 * The web client's runtime configuration, served at GET /api/config (public: it holds nothing
 * secret, an OAuth client id is visible in every consent screen). One static build reads it at
 * start-up, so the same files run against the emulator locally and against Google in AWS.
 */
import type { WebConfig } from '../contract/api.js';
import { GOOGLE_API_ROOT, type Config } from '../config/config.js';
import { json } from '../http/http.js';
import type { AppRoute } from '../http/wrappers.js';

export type { WebConfig };

/** Google's production hosts; gmail.googleapis.com is the host Google documents for Gmail. */
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
    googleApis:
      root === GOOGLE_API_ROOT ? GOOGLE_APIS : { gmail: `${root}gmail/v1/`, drive: `${root}drive/v3/`, calendar: `${root}calendar/v3/` },
    enabledIntegrations: config.enabledIntegrations,
  };
}

/** GET /api/config: public and the same for everyone, cacheable briefly so a change reaches browsers within minutes. */
export const webConfigRoute: AppRoute = {
  method: 'GET',
  path: '/api/config',
  handler: async (_request, { deps }) => json(200, webConfig(deps.config), { headers: { 'cache-control': 'public, max-age=300' } }),
};
