import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { traceHandler } from '../adapters/tracing.js';
import { logger } from '../logging/logger.js';
import { HttpError, errorJson, type HttpRequest, type HttpResponse } from './http.js';
import { MethodNotAllowed } from './router.js';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Parses a payload 2.0 event (Lambda function URL / HTTP API) into an HttpRequest. */
export function toHttpRequest(event: APIGatewayProxyEventV2, requestId: string): HttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const cookies = new Map<string, string>();
  for (const pair of event.cookies ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!cookies.has(name)) cookies.set(name, pair.slice(eq + 1).trim());
  }
  const body =
    event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  return {
    method: event.requestContext.http.method.toUpperCase(),
    path: event.rawPath,
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    cookies,
    body,
    requestId,
    sourceIp: viewerAddress(headers) ?? event.requestContext.http.sourceIp,
    userAgent: headers['user-agent'],
    params: {},
  };
}

/**
 * Behind CloudFront the function URL sees CloudFront's address. The viewer's is in the header
 * CloudFront itself sets, `cloudfront-viewer-address` ("ip:port", IPv6 unbracketed), which a client
 * cannot supply: CloudFront overwrites it. Not the leftmost `x-forwarded-for` entry, which is
 * whatever the client sent in its own x-forwarded-for header.
 */
function viewerAddress(headers: Readonly<Record<string, string>>): string | undefined {
  const value = headers['cloudfront-viewer-address']?.trim();
  const portAt = value?.lastIndexOf(':') ?? -1;
  return value && portAt > 0 ? value.slice(0, portAt) : undefined;
}

function toResult(response: HttpResponse, requestId: string): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: response.status,
    headers: { ...response.headers, 'x-request-id': requestId },
    ...(response.cookies && response.cookies.length > 0 ? { cookies: [...response.cookies] } : {}),
    body: response.body ?? '',
    isBase64Encoded: false,
  };
}

/**
 * Wraps a request handler as a Lambda entry point: request id on every log line and response,
 * HttpError as its 4xx JSON, anything else as a 500 that names the request id and hides the cause.
 * Logs method, path and status only: query strings carry authorization codes.
 */
export function lambdaHttp(handler: (request: HttpRequest) => Promise<HttpResponse>): LambdaHttpHandler {
  return traceHandler(async (event, context) => {
    const requestId = context.awsRequestId;
    logger.addContext(context);
    logger.appendKeys({ requestId });
    const started = performance.now();
    let response: HttpResponse;
    try {
      response = await handler(toHttpRequest(event, requestId));
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorJson(error.status, error.code, error.message);
        if (error instanceof MethodNotAllowed)
          response = { ...response, headers: { ...response.headers, allow: error.allowed.join(', ') } };
      } else {
        logger.error('Unhandled error', { error });
        response = errorJson(500, 'internal_error', 'Something went wrong on our side. Quote the request id if you report it.', requestId);
      }
    }
    logger.info('request', {
      method: event.requestContext.http.method,
      path: event.rawPath,
      status: response.status,
      durationMs: Math.round(performance.now() - started),
    });
    logger.removeKeys(['requestId']);
    return toResult(response, requestId);
  });
}
