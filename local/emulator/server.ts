/**
 * The emulator's request pipeline: CORS preflight, route lookup, per-method counters, the
 * handler, and every failure turned into Google's error shape. Limits and faults hook in here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  GoogleApiError,
  OAuthError,
  RouteTable,
  corsHeaders,
  headerRecord,
  preflight,
  readBody,
  send,
  type EmulatorRequest,
  type EmulatorResponse,
  type EmulatorRoute,
} from './http.js';

/** Runs before a matched route's handler: may delay, or answer instead (quota and fault injection). */
export type Gate = (route: EmulatorRoute, request: EmulatorRequest) => Promise<EmulatorResponse | undefined>;

export interface PipelineOptions {
  readonly origin: () => string;
  readonly routes: RouteTable;
  readonly counters: Map<string, number>;
  readonly gate?: Gate;
}

export function createEmulatorServer(options: PipelineOptions): Server {
  return createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      // Only reached when writing the answer itself failed (client went away): nothing left to tell.
      if (!res.headersSent) send(res, internalError(error));
      else res.destroy();
    });
  });
}

async function handle(options: PipelineOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', options.origin());
  let request: EmulatorRequest = {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: headerRecord(req),
    body: '',
    params: {},
  };
  let answer: EmulatorResponse;
  let started = 0;
  try {
    request = { ...request, body: await readBody(req) };
    started = performance.now();
    answer = request.method === 'OPTIONS' ? preflight(request) : await route(options, request);
  } catch (error) {
    answer = error instanceof GoogleApiError || error instanceof OAuthError ? error.toResponse() : internalError(error);
  }
  // Server-Timing: the emulator's own time for the answer (added latency included), for benchmarks.
  const timing = { 'server-timing': `emulator;dur=${(performance.now() - started).toFixed(2)}` };
  send(res, { ...answer, headers: { ...answer.headers, ...corsHeaders(request), ...timing } });
}

async function route(options: PipelineOptions, request: EmulatorRequest): Promise<EmulatorResponse> {
  const match = options.routes.match(request.method, request.path);
  if (match === undefined) throw new GoogleApiError(404, 'notFound', `The requested URL ${request.path} was not found on this server.`);
  if (match === 'method-not-allowed')
    throw new GoogleApiError(
      405,
      'httpMethodNotAllowed',
      `The request method ${request.method} is inappropriate for the URL ${request.path}.`,
    );
  const { route: matched, params } = match;
  // DNS rebinding: a page whose host name now points at 127.0.0.1 is still not a loopback Host.
  if (matched.kind === 'admin' && !/^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/.test(request.headers.host ?? '')) {
    throw new GoogleApiError(403, 'forbidden', 'The emulator admin API answers loopback hosts only.');
  }
  options.counters.set(matched.name, (options.counters.get(matched.name) ?? 0) + 1);
  const routed = { ...request, params };
  const gated = options.gate ? await options.gate(matched, routed) : undefined;
  return gated ?? (await matched.handler(routed));
}

function internalError(error: unknown): EmulatorResponse {
  // The emulator's own bug: say so on stderr (never a request's content) and answer as Google does.
  process.stderr.write(`google emulator: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return new GoogleApiError(500, 'backendError', 'Internal error encountered.').toResponse();
}
