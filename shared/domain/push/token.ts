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
