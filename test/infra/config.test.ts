import { describe, expect, it } from 'vitest';
import { apiSettingsEnvironment, readInfraConfig, type ContextKey } from '../../infra/config.js';
import { synthesize } from './support.js';

const BASE = { allowedDomains: 'example.com', adminSubject: 'admin@example.com' };
const read = (context: Partial<Record<ContextKey, unknown>>) => readInfraConfig((key) => context[key]);

describe('deployment settings (CDK context)', () => {
  it('derives the origin from the custom domain, or takes appOrigin, or leaves it unknown', () => {
    expect(
      read({
        ...BASE,
        customDomain: 'intranet.example.com',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
        googleClientId: 'x.apps.googleusercontent.com',
      }).appOrigin,
    ).toBe('https://intranet.example.com');
    expect(read({ ...BASE, appOrigin: 'https://d111.cloudfront.net', googleClientId: 'x.apps.googleusercontent.com' }).appOrigin).toBe(
      'https://d111.cloudfront.net',
    );
    expect(read(BASE).appOrigin).toBeUndefined();
  });

  it.each([
    [{ ...BASE, appOrigin: 'https://d111.cloudfront.net' }, /"googleClientId" is missing/],
    [{ ...BASE, customDomain: 'intranet.example.com' }, /"certificateArn" is missing/],
    [
      { ...BASE, customDomain: 'intranet.example.com', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' },
      /"certificateArn" .*us-east-1/,
    ],
    [{ ...BASE, allowedDomains: 'not a domain' }, /"allowedDomains" is not usable: Configuration key ALLOWED_DOMAINS is invalid/],
    [{ ...BASE, adminSubject: '' }, /"adminSubject" is not usable: Configuration key GOOGLE_ADMIN_SUBJECT is missing/],
    [{ ...BASE, syncSchedule: 'every hour' }, /"syncSchedule" is not usable/],
    [{ ...BASE, appOrigin: 'https://d111.cloudfront.net/path', googleClientId: 'x' }, /"appOrigin" is not usable/],
    [{ ...BASE, logRetentionDays: 42 }, /"logRetentionDays" is "42": expected one of 1, 3, 5/],
    [{ ...BASE, alarmEmail: 'ops' }, /"alarmEmail"/],
    [{ ...BASE, adminGroupEmail: 'intranet-admins' }, /"adminGroupEmail" is not usable: Configuration key ADMIN_GROUP_EMAIL is invalid/],
    [
      { ...BASE, enabledIntegrations: 'gmail,photos' },
      /"enabledIntegrations" is not usable: Configuration key ENABLED_INTEGRATIONS is invalid/,
    ],
    [
      { ...BASE, enabledIntegrations: ',' },
      /"enabledIntegrations" is ",": expected "none" or a comma-separated list of gmail, drive, calendar/,
    ],
    [{ ...BASE, instanceName: 'Staging' }, /"instanceName" is "Staging": expected 2 to 16 lowercase letters/],
    [{ ...BASE, instanceName: 'a-very-long-instance-name' }, /"instanceName"/],
    [
      { ...BASE, webAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/1' },
      /"webAclArn" is not the ARN of a WAFv2 web ACL with scope CLOUDFRONT/,
    ],
    [{ ...BASE, priceClass: '300' }, /"priceClass" is "300": expected one of 100, 200, All/],
  ])('rejects %j naming the context key', (context, message) => {
    expect(() => read(context)).toThrow(message);
  });

  it('accepts domains as a list (cdk.json) or a comma-separated string (-c)', () => {
    expect(read({ ...BASE, allowedDomains: ['Example.com', 'example.org'] }).allowedDomains).toEqual(['example.com', 'example.org']);
  });

  it("reads the optional admin group and integrations; unset, they stay unset (the functions' defaults apply)", () => {
    expect(read(BASE)).toMatchObject({ adminGroupEmail: undefined, enabledIntegrations: undefined });
    expect(read({ ...BASE, adminGroupEmail: 'Intranet-Admins@example.com', enabledIntegrations: ['Gmail', 'calendar'] })).toMatchObject({
      adminGroupEmail: 'intranet-admins@example.com',
      enabledIntegrations: ['gmail', 'calendar'],
    });
    expect(read({ ...BASE, enabledIntegrations: 'drive, gmail' }).enabledIntegrations).toEqual(['drive', 'gmail']);
    expect(read({ ...BASE, enabledIntegrations: 'none' }).enabledIntegrations).toEqual([]);
    expect(apiSettingsEnvironment(read({ ...BASE, enabledIntegrations: 'none' }))).toEqual({ ENABLED_INTEGRATIONS: 'none' });
    expect(apiSettingsEnvironment(read(BASE))).toEqual({});
  });
});

describe('first deploy without a custom domain', () => {
  it('creates data, web and monitoring only, so the CloudFront origin exists before the functions need it', () => {
    const { bridge } = synthesize({ context: { ...BASE, webBuildDir: 'test/infra/fixtures/web' } });
    expect(bridge.api).toBeUndefined();
    expect(bridge.sync).toBeUndefined();
    expect(bridge.web.node.findAll().some((c) => c.node.id === 'AppOrigin')).toBe(true);
  });
});
