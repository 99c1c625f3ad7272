import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functionForPath } from '../../functions/catalog.js';
import { invoke } from './lambda-adapter.js';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface LocalHostOptions {
  /** Repository root: function entries in the catalog are relative to it. */
  readonly root: string;
  /** The built web client (web/dist). */
  readonly webRoot: string;
  /** Sent on every response, as CloudFront's response headers policy does. */
  readonly securityHeaders: Readonly<Record<string, string>>;
}

/** Lambda's synchronous invocation payload limit. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The local stand-in for CloudFront: one origin that sends `/auth/*` and `/api/*` to the very
 * Lambda handlers that deploy (as function-URL events) and serves the static build otherwise,
 * with the SPA fallback and the same security headers.
 */
export function createLocalHost(options: LocalHostOptions): Server {
  const handlers = new Map<string, Promise<Handler>>();
  const load = (entry: string): Promise<Handler> => {
    let handler = handlers.get(entry);
    if (!handler) {
      handler = import(pathToFileURL(resolve(options.root, entry)).href).then((module: { handler: Handler }) => module.handler);
      handlers.set(entry, handler);
    }
    return handler;
  };

  return createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      // Only reached when a handler throws past its own wrapper (a bug): answer like Lambda would.
      console.error(JSON.stringify({ level: 'ERROR', message: 'local host failure', error: String(error) }));
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'bad_gateway', message: 'The function failed.' } }));
      } else res.destroy();
    });
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fn = functionForPath(path);
    if (fn) {
      const body = await readBody(req);
      if (body === undefined) {
        res.writeHead(413, { 'content-type': 'application/json', ...options.securityHeaders });
        res.end(JSON.stringify({ error: { code: 'payload_too_large', message: 'The request body exceeds 6 MB.' } }));
        return;
      }
      await invoke(await load(fn.entry), fn.name, req, body, res, options.securityHeaders);
      return;
    }
    await serveStatic(path, req, res);
  }

  async function serveStatic(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(options.securityHeaders)) res.setHeader(name, value);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      res.end('Method not allowed');
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad path');
      return;
    }
    const root = resolve(options.webRoot);
    const file = normalize(join(root, decoded));
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const found = await stat(file).catch(() => undefined);
    if (found?.isFile()) return sendFile(file, req, res);
    // SPA fallback, as the CloudFront distribution answers: a path without a file extension gets index.html.
    if (extname(decoded) === '') {
      const index = join(root, 'index.html');
      if (await stat(index).catch(() => undefined)) return sendFile(index, req, res);
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
  }

  function sendFile(file: string, req: IncomingMessage, res: ServerResponse): void {
    const hashed = /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2|svg|png)$/.test(file) && file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
