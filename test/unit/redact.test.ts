import { afterEach, describe, expect, it } from 'vitest';
import { logger } from '../../shared/logging/logger.js';
import { REDACTED, redact, redactString } from '../../shared/logging/redact.js';
import { captureOutput } from '../support/logs.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';
const SECRETS = [JWT, 'ya29.a0AfH6SMBx-token', '1//0gRefreshToken', '4/0AX4XfWauthcode', 'sess-raw-identifier', 'hunter2'];

describe('log redaction', () => {
  let capture: ReturnType<typeof captureOutput> | undefined;
  afterEach(() => capture?.restore());

  it('replaces values under sensitive keys, whatever their case or separator', () => {
    expect(
      redact({ Authorization: 'x', 'set-cookie': ['a'], client_secret: 's', idToken: 't', nested: { refresh_token: 'r', keep: 'k' } }),
    ).toEqual({
      Authorization: REDACTED,
      'set-cookie': REDACTED,
      client_secret: REDACTED,
      idToken: REDACTED,
      nested: { refresh_token: REDACTED, keep: 'k' },
    });
  });

  it('keeps status and error codes visible but removes an authorization code under `code`', () => {
    expect(redact({ code: 401, status: { code: '503' }, error: { code: 'ECONNRESET' }, oauth: { code: 'invalid_grant' } })).toEqual({
      code: 401,
      status: { code: '503' },
      error: { code: 'ECONNRESET' },
      oauth: { code: 'invalid_grant' },
    });
    // Google's authorization codes, and an opaque one of any other shape (the emulator's, a peer's).
    expect(redact({ code: '4/0AX4XfWauthcode', query: { code: 'SplxlOBeZQQYbYS6WxSbIA' } })).toEqual({
      code: REDACTED,
      query: { code: REDACTED },
    });
  });

  it('scrubs token-shaped content from free text', () => {
    const text = redactString(
      `got ${JWT} and Bearer ya29.abc, url /auth/callback?state=s1&code=4/0AX4&iss=x cookie __Host-wb_session=abc123; ` +
        'pem -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
    );
    expect(text).not.toMatch(/eyJ|ya29|4\/0AX4|abc123|MIIE|s1/);
    expect(text).toContain('iss=x');
  });

  it('keeps every secret out of the JSON log lines, including error messages and stacks', () => {
    capture = captureOutput();
    logger.info(`token ${JWT}`, { headers: { cookie: '__Host-wb_session=sess-raw-identifier' }, password: 'hunter2' });
    logger.error('failed', { error: new Error(`exchange failed for code=4/0AX4XfWauthcode with ya29.a0AfH6SMBx-token`) });
    logger.warn('refresh', { detail: { tokens: { refresh_token: '1//0gRefreshToken' } } });
    const lines = capture.lines();
    expect(lines.length).toBe(3);
    for (const line of lines) {
      expect(() => JSON.parse(line)).not.toThrow();
      for (const secret of SECRETS) expect(line).not.toContain(secret);
    }
  });
});
