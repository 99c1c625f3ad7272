import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPA_FALLBACK_SOURCE } from '../../infra/web/spa-fallback.js';
import { createLocalHost } from '../../local/host/server.js';
import { INTEGRATIONS } from '../../shared/config/config.js';
import { contentSecurityPolicy, GOOGLE_ORIGINS, googleOriginsFor, securityHeaders } from '../../shared/http/security-headers.js';
import { webConfig } from '../../shared/routes/config.js';
import { startLocalApp, type LocalApp } from '../support/local-app.js';
import { FIXTURE_WEB_BUILD, FULL_CONTEXT, headersFromPolicy, onlyResource, resourcesOf, synthesize, type Synthesized } from './support.js';

/** Production (the synthesized CloudFront config) and the local host must answer alike. */
let synthesized: Synthesized;
let templateHeaders: Record<string, string>;
let local: LocalApp;

beforeAll(async () => {
  synthesized = synthesize();
  templateHeaders = headersFromPolicy(onlyResource(synthesized.template(synthesized.bridge.web), 'AWS::CloudFront::ResponseHeadersPolicy'));
  local = await startLocalApp();
});
afterAll(() => local?.close());

describe('security headers', () => {
  it('the CSP in the template is contentSecurityPolicy(GOOGLE_ORIGINS), with GIS and the Google APIs', () => {
    expect(templateHeaders['content-security-policy']).toBe(contentSecurityPolicy(GOOGLE_ORIGINS));
    expect(templateHeaders['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(templateHeaders['content-security-policy']).toContain('https://accounts.google.com/gsi/client');
  });

  it.each([
    ['calendar', ["'self'", 'https://accounts.google.com/gsi/', 'https://www.googleapis.com', 'https://oauth2.googleapis.com']],
    ['gmail', ["'self'", 'https://accounts.google.com/gsi/', 'https://gmail.googleapis.com', 'https://oauth2.googleapis.com']],
    ['none', ["'self'", 'https://accounts.google.com/gsi/']],
  ])('connect-src names only the API hosts the enabled integrations call (enabledIntegrations=%s)', (enabledIntegrations, connectSrc) => {
    const narrowed = synthesize({ context: { ...FULL_CONTEXT, enabledIntegrations } });
    const csp = headersFromPolicy(onlyResource(narrowed.template(narrowed.bridge.web), 'AWS::CloudFront::ResponseHeadersPolicy'))[
      'content-security-policy'
    ]!;
    expect(csp.split('; ').find((d) => d.startsWith('connect-src '))).toBe(`connect-src ${connectSrc.join(' ')}`);
  });

  it("each integration's connect-src host is the host of the API base URL the browser gets for it (/api/config)", () => {
    for (const integration of INTEGRATIONS) {
      const config = webConfig({
        googleClientId: 'x',
        oidcIssuer: 'https://accounts.google.com',
        googleApiRoot: 'https://www.googleapis.com/',
        enabledIntegrations: [integration],
      });
      expect(googleOriginsFor([integration]).apis, integration).toContain(new URL(config.googleApis[integration]).origin);
    }
  });

  it('the template sends exactly the headers the local host sends, value for value (real HTTP)', async () => {
    const response = await fetch(`${local.origin}/api/health`);
    const served = Object.fromEntries(Object.keys(securityHeaders(GOOGLE_ORIGINS)).map((name) => [name, response.headers.get(name)]));
    expect(templateHeaders).toEqual(served);
    expect(templateHeaders).toMatchObject({
      'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'x-content-type-options': 'nosniff',
    });
  });

  it('every behavior, API and static, carries the policy and it overrides what an origin sends', () => {
    const template = synthesized.template(synthesized.bridge.web);
    const [policyId] = Object.keys(resourcesOf(template, 'AWS::CloudFront::ResponseHeadersPolicy'));
    const config = (
      onlyResource(template, 'AWS::CloudFront::Distribution').Properties as {
        DistributionConfig: { DefaultCacheBehavior: object; CacheBehaviors: object[] };
      }
    ).DistributionConfig;
    for (const behavior of [config.DefaultCacheBehavior, ...config.CacheBehaviors])
      expect(behavior).toMatchObject({ ResponseHeadersPolicyId: { Ref: policyId } });
    const policy = JSON.stringify(onlyResource(template, 'AWS::CloudFront::ResponseHeadersPolicy'));
    expect(policy).not.toContain('"Override":false');
  });
});

describe('static client', () => {
  const webRoot = resolve(FIXTURE_WEB_BUILD);
  let origin: string;
  let close: () => void;
  beforeAll(async () => {
    const server = createLocalHost({ root: resolve('.'), webRoot, securityHeaders: securityHeaders(GOOGLE_ORIGINS) });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close?.());

  /** The CloudFront Function as CloudFront runs it: handler(event) → request. */
  const cloudFrontUri = (uri: string): string => {
    const handler = new Function(`${SPA_FALLBACK_SOURCE}; return handler;`)() as (event: { request: { uri: string } }) => { uri: string };
    return handler({ request: { uri } }).uri;
  };

  it.each([
    '/',
    '/people',
    '/people/ada@example.com',
    '/groups/eng.team/members',
    '/index.html',
    '/assets/index-Bq3xY7zK.js',
    '/missing.png',
    '/assets/gone-Zz99.js',
  ])('SPA fallback: %s is answered by the same file in CloudFront and locally', async (path) => {
    const rewritten = cloudFrontUri(path);
    const fromBucket = await readFile(join(webRoot, rewritten), 'utf8').catch(() => undefined);
    const response = await fetch(`${origin}${path}`);
    if (fromBucket === undefined) expect(response.status).toBe(404);
    else expect(await response.text()).toBe(fromBucket);
  });

  it('the deployment sets the Cache-Control the local host sends: a year for hashed assets, revalidate for pages', async () => {
    const deployments = Object.values(resourcesOf(synthesized.template(synthesized.bridge.web), 'Custom::CDKBucketDeployment')).map(
      (d) => (d.Properties as { SystemMetadata: Record<string, string> }).SystemMetadata['cache-control'],
    );
    const asset = await fetch(`${origin}/assets/index-Bq3xY7zK.js`);
    const page = await fetch(`${origin}/people`);
    expect(deployments).toEqual([asset.headers.get('cache-control'), page.headers.get('cache-control')]);
  });
});
