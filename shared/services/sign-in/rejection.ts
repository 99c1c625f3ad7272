import type { HttpRequest, HttpResponse } from '../../http/http.js';
import { logger } from '../../logging/logger.js';
import type { Config } from '../../config/config.js';
import { LoginRejected } from '../../domain/auth/errors.js';
import { loginRejectedPage, signInUnavailablePage } from './pages.js';

/**
 * How login and callback answer a failure: a refusal is logged with its reason code and shown as
 * a friendly page; anything else (Google or DynamoDB unreachable, a bug) is logged as an error
 * and shown as "try again", with the request id. Never the token, the code or the cookie.
 */
export function rejectionResponse(error: unknown, request: HttpRequest, config: Config, cookies: readonly string[] = []): HttpResponse {
  const context = { requestId: request.requestId, allowedDomains: config.allowedDomains };
  if (error instanceof LoginRejected) {
    logger.warn('sign-in rejected', { reason: error.reason, path: request.path });
    return loginRejectedPage(error.status, error.reason, context, cookies);
  }
  logger.error('sign-in failed', { error, path: request.path });
  return signInUnavailablePage(request.requestId, cookies);
}
