import Bowser from 'bowser';

/**
 * Longer User-Agent strings are cut before parsing: real ones are a few hundred characters, and
 * the header is the caller's to choose.
 */
const MAX_USER_AGENT = 512;

/**
 * A short, human description of the browser behind a session ("Chrome on macOS"), for the
 * session list; the raw User-Agent is not kept. A maintained parser (bowser) names browsers and
 * systems our own patterns got wrong (HeadlessChrome showed as "Safari on Linux") and keeps up
 * with new ones.
 */
export function describeDevice(userAgent: string | undefined): string {
  const trimmed = userAgent?.trim().slice(0, MAX_USER_AGENT);
  if (!trimmed) return 'Unknown device';
  const { browser, os } = Bowser.parse(trimmed);
  const name = browser.name || undefined;
  const system = os.name || undefined;
  if (name && system) return `${name} on ${system}`;
  return name ?? system ?? 'Unknown device';
}
