/**
 * Calls to Google's APIs with the user's token, and Google's errors turned into messages that say
 * what to do. Request builders elsewhere return plain ApiRequest values, so they are unit-tested
 * and the call count per widget refresh is visible.
 */
export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly body?: unknown;
}

/** Performs one request and returns the parsed JSON body. */
export type Call = <T>(request: ApiRequest) => Promise<T>;

export type GoogleErrorKind = 'expired' | 'permission' | 'rate-limited' | 'not-found' | 'failed';

interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: Array<{ reason?: string }>; details?: Array<{ reason?: string }> };
}

export class GoogleApiError extends Error {
  override name = 'GoogleApiError';
  constructor(
    readonly kind: GoogleErrorKind,
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded', 'RATE_LIMIT_EXCEEDED']);

export function googleError(status: number, body: unknown): GoogleApiError {
  const error = (body as GoogleErrorBody | undefined)?.error;
  const reason = error?.errors?.[0]?.reason ?? error?.details?.[0]?.reason ?? error?.status;
  const detail = error?.message ? ` (Google said: ${error.message})` : '';
  if (status === 401)
    return new GoogleApiError('expired', status, reason, 'Your Google connection expired. Click "Reconnect" to continue.');
  if (status === 429 || (status === 403 && reason !== undefined && RATE_REASONS.has(reason))) {
    return new GoogleApiError('rate-limited', status, reason, 'Google is limiting requests right now. Wait a minute, then refresh.');
  }
  if (status === 403)
    return new GoogleApiError(
      'permission',
      status,
      reason,
      `Google refused: the permission you granted does not cover this${detail}. Grant access again or ask your admin.`,
    );
  if (status === 404)
    return new GoogleApiError(
      'not-found',
      status,
      reason,
      `Google could not find it; it may have been deleted or not shared with you${detail}.`,
    );
  return new GoogleApiError('failed', status, reason, `Google answered with an error ${status}${detail}. Try again later.`);
}

/** A Call that sends the bearer token; network failures become a GoogleApiError too. */
export function bearerCall(accessToken: string, fetcher: typeof fetch = fetch): Call {
  return async <T>(request: ApiRequest): Promise<T> => {
    let response: Response;
    try {
      response = await fetcher(request.url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${accessToken}`,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
    } catch {
      throw new GoogleApiError('failed', 0, undefined, 'Google could not be reached. Check your connection and try again.');
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) throw googleError(response.status, body);
    return body as T;
  };
}

/** A query string from pairs, repeating keys for arrays (labelIds=INBOX&labelIds=UNREAD). */
export function query(params: Record<string, string | number | boolean | readonly string[] | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as readonly string[]) search.append(key, item);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
