/**
 * The emulator's HTTP layer on plain node:http: route tables per API (each API module exports its
 * own), Google's two error vocabularies (API errors and OAuth token-endpoint errors), and CORS the
 * way Google's API hosts answer it, since the browser calls the emulator cross-origin.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface EmulatorRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names, comma-joined values. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Filled from `{name}` path segments. */
  readonly params: Readonly<Record<string, string>>;
}

export interface EmulatorResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Text, or bytes (profile photos). */
  readonly body?: string | Buffer;
}

export type Handler = (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>;

export interface EmulatorRoute {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/admin/directory/v1/users/{userKey}`: `{name}` matches one segment. */
  readonly path: string;
  /** Google's method id, e.g. `directory.users.list`: counters, quotas and faults are per method. */
  readonly name: string;
  readonly handler: Handler;
  /**
   * `api` routes (default) count against quotas and may be made to fail; `oauth` and `admin` routes
   * (token endpoint, account chooser, emulator admin) never are, so tests can always get a token.
   */
  readonly kind?: 'api' | 'oauth' | 'admin';
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** An API error in Google's JSON error format (`{"error":{"code","message","errors":[…],"status"}}`). */
export class GoogleApiError extends Error {
  override name = 'GoogleApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    readonly domain = 'global',
    /** google.rpc details, e.g. an ErrorInfo whose reason clients branch on (ACCESS_TOKEN_SCOPE_INSUFFICIENT). */
    readonly details: readonly object[] = [],
  ) {
    super(message);
  }

  toResponse(): EmulatorResponse {
    // Every 401 from Google names the authentication scheme (RFC 6750), even without a token.
    const challenge: Record<string, string> =
      this.status === 401 ? { 'www-authenticate': 'Bearer realm="https://accounts.google.com/"' } : {};
    return json(
      this.status,
      {
        error: {
          code: this.status,
          message: this.message,
          errors: [{ message: this.message, domain: this.domain, reason: this.reason }],
          status: STATUS_NAMES[this.status] ?? 'UNKNOWN',
          ...(this.details.length > 0 ? { details: this.details } : {}),
        },
      },
      { ...challenge, ...this.headers },
    );
  }
}

/** An OAuth 2.0 error as Google's token endpoint answers it: `{"error":"invalid_grant","error_description":"…"}`. */
export class OAuthError extends Error {
  override name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(`${error}: ${description}`);
  }

  toResponse(): EmulatorResponse {
    return json(this.status, { error: this.error, error_description: this.description });
  }
}

export function json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): EmulatorResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'cache-control': 'no-cache, no-store, max-age=0, must-revalidate',
      ...headers,
    },
    body: JSON.stringify(body),
  };
}

export function html(status: number, body: string): EmulatorResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' }, body };
}

export function redirect(location: string): EmulatorResponse {
  return { status: 302, headers: { location, 'cache-control': 'no-store' } };
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface MatchedRoute {
  readonly route: EmulatorRoute;
  readonly params: Record<string, string>;
}

/** A route table: exact segment comparison, `{name}` captures one percent-decoded segment. */
export class RouteTable {
  private readonly routes: Array<{ route: EmulatorRoute; segments: string[] }> = [];

  add(routes: readonly EmulatorRoute[]): void {
    for (const route of routes) this.routes.push({ route, segments: route.path.split('/') });
  }

  match(method: string, path: string): MatchedRoute | 'method-not-allowed' | undefined {
    const parts = path.split('/');
    let pathKnown = false;
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (!params) continue;
      if (route.method === method) return { route, params };
      pathKnown = true;
    }
    return pathKnown ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = parts[i]!;
    if (want.startsWith('{') && want.endsWith('}')) {
      if (got === '') return undefined;
      try {
        params[want.slice(1, -1)] = decodeURIComponent(got);
      } catch {
        return undefined;
      }
    } else if (want !== got) {
      return undefined;
    }
  }
  return params;
}

/** Reads the request body (form posts and JSON are small; anything over 1 MiB is refused). */
export async function readBody(request: IncomingMessage, maxBytes = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new GoogleApiError(413, 'uploadTooLarge', 'Request entity too large.');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function headerRecord(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Where the emulator-only admin API lives. */
export const ADMIN_PATH_PREFIX = '/__emulator/';

/**
 * CORS as Google's API front ends answer it: the caller's Origin echoed (never `*`, since
 * requests carry an Authorization header), preflights answered for any method and header asked.
 */
export function corsHeaders(request: EmulatorRequest): Record<string, string> {
  const origin = request.headers.origin;
  // The emulator-only admin API is for tests and tools, never for web pages: no CORS, so no other
  // origin in the developer's browser can read issued tokens or change limits.
  if (!origin || request.path.startsWith(ADMIN_PATH_PREFIX)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin, X-Origin, Referer',
    'access-control-expose-headers': 'Content-Type, Retry-After, Date, ETag, Content-Length',
  };
}

export function preflight(request: EmulatorRequest): EmulatorResponse {
  if (request.path.startsWith(ADMIN_PATH_PREFIX)) return { status: 403, headers: { 'content-length': '0' } };
  return {
    status: 200,
    headers: {
      ...corsHeaders(request),
      'access-control-allow-methods': request.headers['access-control-request-method'] ?? 'GET, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': request.headers['access-control-request-headers'] ?? 'authorization, content-type',
      'access-control-max-age': '3600',
      'content-length': '0',
    },
  };
}

export function send(response: ServerResponse, answer: EmulatorResponse): void {
  response.writeHead(answer.status, answer.headers);
  response.end(answer.body);
}

/** Parses an application/x-www-form-urlencoded body (the token and revoke endpoints). */
export function formBody(request: EmulatorRequest): URLSearchParams {
  const type = request.headers['content-type'] ?? '';
  if (request.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(type)) return new URLSearchParams(request.body);
  if (request.method === 'POST' && /^application\/json\b/i.test(type) && request.body) {
    try {
      return new URLSearchParams(JSON.parse(request.body) as Record<string, string>);
    } catch {
      throw new OAuthError(400, 'invalid_request', 'Invalid JSON payload received.');
    }
  }
  return new URLSearchParams();
}
