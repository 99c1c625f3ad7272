import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A channel's secret: Google echoes it in X-Goog-Channel-Token on every notification. Only its
 * SHA-256 is stored, and a presented token is compared digest to digest, in constant time and
 * always on equal lengths (so neither the content nor the length of the secret leaks by timing).
 */
export function newChannelToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashChannelToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function channelTokenMatches(presented: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/**
 * The header CloudFront adds on its way to the receiver's function URL (infra/constructs/site.ts),
 * with a value only the distribution and the receiver know: the URL takes unsigned requests (Google
 * cannot sign for origin access control), so this is how a request proves it came through CloudFront.
 */
export const ORIGIN_SECRET_HEADER = 'x-workspace-bridge-origin';

/** Whether a request carries the origin secret: compared digest to digest in constant time, like a channel token. */
export function originSecretMatches(presented: string | undefined, secret: string): boolean {
  return presented !== undefined && channelTokenMatches(presented, hashChannelToken(secret));
}
