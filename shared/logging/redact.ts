/**
 * Redaction for log lines: secrets, tokens, cookies and authorization codes never reach a log.
 * Two nets: values under sensitive keys are replaced whole (under `code`, only values shaped like an
 * authorization code: a status 401 or an error code ECONNRESET stays visible), and every string is scrubbed of
 * token-shaped content (JWTs, bearer tokens, Google token formats, secret query parameters, PEM keys,
 * cookie pairs), because a token can hide in a message, a URL or an error text.
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'cookies',
  'setcookie',
  'token',
  'idtoken',
  'accesstoken',
  'refreshtoken',
  'authorizationcode',
  'codeverifier',
  'secret',
  'clientsecret',
  'password',
  'privatekey',
  'assertion',
  'sessionid',
  'apikey',
  'credentials',
]);

const STRING_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, REDACTED],
  [/\beyJ[\w-]*\.[\w-]*\.?[\w-]*/g, REDACTED],
  [/\b(Bearer|Basic)\s+[^\s",]+/gi, `$1 ${REDACTED}`],
  [/\bya29\.[\w.-]+/g, REDACTED],
  [/\b1\/\/[\w.-]+/g, REDACTED],
  [/\b4\/[\w.-]+/g, REDACTED],
  [
    /([?&#]|\b)(code|state|id_token|access_token|refresh_token|client_secret|code_verifier|assertion|token)=[^&#\s"']*/gi,
    `$1$2=${REDACTED}`,
  ],
  [/(__Host-|__Secure-)([\w.-]+)=[^;\s"',]*/g, `$1$2=${REDACTED}`],
];

/**
 * `code` names both an OAuth authorization code and an HTTP status or error code. A number, a
 * three-digit status, an upper-case error code (ECONNRESET, ERR_INVALID_URL) or a snake_case OAuth
 * error (invalid_grant) is not a secret; anything else under `code` is treated as one.
 */
const NON_SECRET_CODE = /^(\d{3}|[A-Z][A-Z0-9_]*|[a-z]+(_[a-z]+)+)$/;

function isSensitive(key: string, value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  const normal = key.toLowerCase().replace(/[-_\s]/g, '');
  if (normal === 'code') return !(typeof value === 'number' || (typeof value === 'string' && NON_SECRET_CODE.test(value)));
  return SENSITIVE_KEYS.has(normal);
}

export function redactString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of STRING_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A deep copy of `value` with sensitive keys and token-shaped strings redacted. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message), ...(value.stack ? { stack: redactString(value.stack) } : {}) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitive(key, item) ? REDACTED : redact(item, seen);
  }
  return out;
}
