import { GOOGLE_ORIGINS, type GoogleOrigins } from '../../shared/http/security-headers.js';

/** Locally the browser talks to the emulator in place of Google's hosts: the CSP names its origin. */
export function localGoogleOrigins(emulatorOrigin: string): GoogleOrigins {
  const origin = new URL(emulatorOrigin).origin;
  return { accounts: origin, apis: [origin], images: [origin, ...GOOGLE_ORIGINS.images] };
}
