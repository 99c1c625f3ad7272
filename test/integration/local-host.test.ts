import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError, json } from '../../shared/http/http.js';
import { lambdaHttp } from '../../shared/http/lambda.js';
import { invoke } from '../../local/host/lambda-adapter.js';
import { captureOutput } from '../support/logs.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';

describe('local host over real HTTP', () => {
  let app: LocalApp;
  beforeAll(async () => {
    app = await startLocalApp();
  });
  afterAll(() => app.close());

  it('answers /api/health with the version and a live DynamoDB', async () => {
    const response = await fetch(`${app.origin}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), dynamodb: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
  });

  it('answers unknown API paths with a JSON 404 and a wrong method with 405 and Allow', async () => {
    const missing = await fetch(`${app.origin}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    const wrongMethod = await fetch(`${app.origin}/api/health`, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('does not serve files outside the web root', async () => {
    const response = await fetch(`${app.origin}/..%2f..%2fpackage.json`);
    expect(response.status).not.toBe(200);
  });
});

describe('health when DynamoDB does not answer', () => {
  it('reports degraded with 503', async () => {
    const app = await startLocalApp({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' });
    try {
      const response = await fetch(`${app.origin}/api/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'degraded', dynamodb: 'unreachable' });
    } finally {
      await app.close();
    }
  });
});

describe('function-URL event conversion, both ways, over real HTTP', () => {
  let server: Server;
  let origin: string;
  let seen: APIGatewayProxyEventV2 | undefined;
  const handler = lambdaHttp(async (request) => {
    if (request.path === '/boom') throw new Error('database password hunter2 leaked in a stack');
    if (request.path === '/bad') throw new HttpError(422, 'invalid_thing', 'The thing is invalid.');
    return json(
      200,
      { cookies: Object.fromEntries(request.cookies), body: request.body ?? null, q: request.query.getAll('a') },
      {
        cookies: ['a=1; Path=/; HttpOnly', 'b=2; Path=/; Secure'],
      },
    );
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void invoke(
          async (event, context) => {
            seen = event;
            return handler(event, context);
          },
          'test',
          req,
          Buffer.concat(chunks),
          res,
          {},
        );
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it('delivers cookies, raw query, lower-cased headers and text bodies; returns one Set-Cookie per cookie', async () => {
    const response = await fetch(`${origin}/echo?a=1&a=2&b=%20x`, {
      method: 'POST',
      headers: { Cookie: 'x=1; y=two', 'Content-Type': 'application/json', 'X-Custom': 'V' },
      body: '{"hello":"wörld"}',
    });
    expect(seen?.rawQueryString).toBe('a=1&a=2&b=%20x');
    expect(seen?.cookies).toEqual(['x=1', 'y=two']);
    expect(seen?.headers['x-custom']).toBe('V');
    expect(seen?.headers.cookie).toBeUndefined();
    expect(seen?.isBase64Encoded).toBe(false);
    expect(seen?.requestContext.http.method).toBe('POST');
    expect(await response.json()).toEqual({ cookies: { x: '1', y: 'two' }, body: '{"hello":"wörld"}', q: ['1', '2'] });
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; HttpOnly', 'b=2; Path=/; Secure']);
  });

  it('base64-encodes binary bodies as function URLs do', async () => {
    await fetch(`${origin}/echo`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: new Uint8Array([0, 255, 1]),
    });
    expect(seen?.isBase64Encoded).toBe(true);
    expect(Buffer.from(seen?.body ?? '', 'base64')).toEqual(Buffer.from([0, 255, 1]));
  });

  it('maps HttpError to its status with a JSON error body', async () => {
    const response = await fetch(`${origin}/bad`);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({ error: { code: 'invalid_thing', message: 'The thing is invalid.' } });
  });

  it('answers an unexpected failure with a 500 naming the request id, without the cause or a stack, and logs it redacted', async () => {
    const capture = captureOutput();
    let response: Response;
    try {
      response = await fetch(`${origin}/boom`);
    } finally {
      capture.restore();
    }
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe('internal_error');
    expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
    expect(JSON.stringify(body)).not.toMatch(/hunter2|stack|at /);
    const errorLine = capture.lines().find((line) => line.includes('Unhandled error'));
    expect(errorLine).toBeDefined();
    expect(JSON.parse(errorLine!).requestId).toBe(body.error.requestId);
  });
});
