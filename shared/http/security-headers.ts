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

export const GOOGLE_ORIGINS: GoogleOrigins = {
  accounts: 'https://accounts.google.com',
  apis: ['https://gmail.googleapis.com', 'https://www.googleapis.com', 'https://content.googleapis.com', 'https://oauth2.googleapis.com'],
  images: ['https://*.googleusercontent.com'],
};

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
