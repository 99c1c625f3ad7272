/**
 * The HTTP vocabulary of every function: a parsed request, a plain response, and HttpError for
 * answers that are the caller's fault (4xx, JSON body `{error: {code, message}}`).
 * Independent of Lambda so domain code and tests build requests without events.
 */
export interface HttpRequest {
  readonly method: string;
  /** Path without query string, as received (CloudFront passes it unchanged). */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly cookies: ReadonlyMap<string, string>;
  readonly body: string | undefined;
  readonly requestId: string;
  readonly sourceIp: string | undefined;
  readonly userAgent: string | undefined;
  /** Path parameters filled in by the router, e.g. `{id}`. */
  readonly params: Readonly<Record<string, string>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** One Set-Cookie each. */
  readonly cookies?: readonly string[];
  readonly body?: string;
}

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const NO_STORE = { 'cache-control': 'no-store' } as const;

export function json(status: number, body: unknown, extra: Omit<HttpResponse, 'status' | 'body'> = {}): HttpResponse {
  return {
    ...extra,
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...NO_STORE, ...extra.headers },
    body: JSON.stringify(body),
  };
}

export function errorJson(status: number, code: string, message: string, requestId?: string): HttpResponse {
  return json(status, { error: { code, message, ...(requestId ? { requestId } : {}) } });
}

export function html(status: number, body: string, extra: Omit<HttpResponse, 'status' | 'body'> = {}): HttpResponse {
  return { ...extra, status, headers: { 'content-type': 'text/html; charset=utf-8', ...NO_STORE, ...extra.headers }, body };
}

export function redirect(location: string, extra: Omit<HttpResponse, 'status' | 'body'> = {}): HttpResponse {
  return { ...extra, status: 302, headers: { location, ...NO_STORE, ...extra.headers } };
}

/** Parses a JSON request body, answering 400/415 for anything else. */
export function readJsonBody(request: HttpRequest, maxBytes = 64 * 1024): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.');
  if (!request.body) throw new HttpError(400, 'invalid_body', 'The request body is empty; send a JSON object.');
  if (Buffer.byteLength(request.body) > maxBytes) throw new HttpError(413, 'body_too_large', `The request body exceeds ${maxBytes} bytes.`);
  try {
    return JSON.parse(request.body);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
}
