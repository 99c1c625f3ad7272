import { INTEGRATIONS, type Integration } from '../config/config.js';

/**
 * The response headers every page and API answer carries: the CloudFront response headers policy
 * (infra/) and the local host both build them here, so tests see the CSP that production sends.
 */
export interface GoogleOrigins {
  /** Google Identity Services' origin: https://accounts.google.com (the emulator locally). */
  readonly accounts: string;
  /** Origins of the Google APIs the browser calls (Gmail, Drive, Calendar). */
  readonly apis: readonly string[];
  /** Where profile photos come from. */
  readonly images: readonly string[];
}

/**
 * The API host each integration's widget calls (the base URLs the browser gets are in
 * shared/routes/config.ts; a test holds the two together).
 */
const INTEGRATION_API_ORIGINS: Readonly<Record<Integration, string>> = {
  gmail: 'https://gmail.googleapis.com',
  drive: 'https://www.googleapis.com',
  calendar: 'https://www.googleapis.com',
};
/** Where Google Identity Services revokes a token from the page ("Disconnect Google"): needed as soon as any integration is on. */
const TOKEN_REVOCATION_ORIGIN = 'https://oauth2.googleapis.com';

/** Google's origins for a deployment: `connect-src` names only the API hosts the enabled integrations call. */
export function googleOriginsFor(enabledIntegrations: readonly Integration[]): GoogleOrigins {
  const apis = [...new Set(enabledIntegrations.map((integration) => INTEGRATION_API_ORIGINS[integration]))];
  return {
    accounts: 'https://accounts.google.com',
    apis: apis.length > 0 ? [...apis, TOKEN_REVOCATION_ORIGIN] : [],
    images: ['https://*.googleusercontent.com'],
  };
}

/** Google's origins with every integration on (the functions' default). */
export const GOOGLE_ORIGINS: GoogleOrigins = googleOriginsFor(INTEGRATIONS);

export function contentSecurityPolicy(google: GoogleOrigins): string {
  const gsi = `${google.accounts}/gsi/`;
  const directives: Record<string, readonly string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", `${google.accounts}/gsi/client`],
    'style-src': ["'self'", `${google.accounts}/gsi/style`],
    'img-src': ["'self'", 'data:', ...google.images],
    'font-src': ["'self'"],
    'connect-src': ["'self'", gsi, ...google.apis],
    'frame-src': [gsi],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** Header name (lower case) to value. HSTS is only meaningful over https, which CloudFront enforces. */
export function securityHeaders(google: GoogleOrigins): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(google),
    'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
    'cross-origin-opener-policy': 'same-origin-allow-popups',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
  };
}
