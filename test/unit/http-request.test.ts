import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { toHttpRequest } from '../../shared/http/lambda.js';

/** A function URL event as CloudFront forwards it: the function URL's own source is CloudFront's edge. */
function eventWith(headers: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/api/me',
    rawQueryString: '',
    headers,
    isBase64Encoded: false,
    requestContext: { http: { method: 'GET', path: '/api/me', protocol: 'HTTP/1.1', sourceIp: '130.176.1.1', userAgent: 'test' } },
  } as unknown as APIGatewayProxyEventV2;
}

describe('the client address behind CloudFront', () => {
  it("is CloudFront's viewer address, not a client-supplied leftmost x-forwarded-for", () => {
    const request = toHttpRequest(
      eventWith({ 'x-forwarded-for': '10.9.9.9, 198.51.100.10, 130.176.1.1', 'cloudfront-viewer-address': '198.51.100.10:46532' }),
      'r',
    );
    expect(request.sourceIp).toBe('198.51.100.10');
  });

  it('keeps an IPv6 viewer address whole (only the port after the last colon goes)', () => {
    expect(toHttpRequest(eventWith({ 'cloudfront-viewer-address': '2001:db8::8a2e:370:7334:443' }), 'r').sourceIp).toBe(
      '2001:db8::8a2e:370:7334',
    );
  });

  it('is the connection source when CloudFront did not set the header (a direct call, the local host)', () => {
    expect(toHttpRequest(eventWith({ 'x-forwarded-for': '10.9.9.9' }), 'r').sourceIp).toBe('130.176.1.1');
  });
});
