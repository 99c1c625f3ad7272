import { Duration } from 'aws-cdk-lib';
import {
  HeadersFrameOption,
  HeadersReferrerPolicy,
  type ResponseCustomHeader,
  type ResponseSecurityHeadersBehavior,
} from 'aws-cdk-lib/aws-cloudfront';

export interface HeadersPolicySettings {
  readonly securityHeadersBehavior: ResponseSecurityHeadersBehavior;
  readonly customHeaders: ResponseCustomHeader[];
}

/**
 * Turns the header map the local host sends (shared/http/security-headers.ts) into CloudFront's
 * response headers policy, header by header: the ones CloudFront models as security headers go
 * there, any other goes in as a custom header. Every header overrides what an origin sends.
 */
export function headersPolicySettings(headers: Readonly<Record<string, string>>): HeadersPolicySettings {
  const security: { -readonly [K in keyof ResponseSecurityHeadersBehavior]: ResponseSecurityHeadersBehavior[K] } = {};
  const customHeaders: ResponseCustomHeader[] = [];
  for (const [name, value] of Object.entries(headers)) {
    switch (name) {
      case 'content-security-policy':
        security.contentSecurityPolicy = { contentSecurityPolicy: value, override: true };
        break;
      case 'strict-transport-security':
        security.strictTransportSecurity = { ...parseHsts(value), override: true };
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`x-content-type-options "${value}" cannot be expressed in CloudFront (only nosniff).`);
        security.contentTypeOptions = { override: true };
        break;
      case 'x-frame-options':
        security.frameOptions = { frameOption: enumValue(HeadersFrameOption, value.toUpperCase(), name), override: true };
        break;
      case 'referrer-policy':
        security.referrerPolicy = { referrerPolicy: enumValue(HeadersReferrerPolicy, value, name), override: true };
        break;
      default:
        customHeaders.push({ header: name, value, override: true });
    }
  }
  return { securityHeadersBehavior: security, customHeaders };
}

function parseHsts(value: string) {
  const parts = value.split(';').map((p) => p.trim().toLowerCase());
  const maxAge = /^max-age=(\d+)$/.exec(parts[0] ?? '');
  if (!maxAge) throw new Error(`strict-transport-security "${value}" has no leading max-age.`);
  const flags = parts.slice(1);
  const unknown = flags.filter((f) => f !== 'includesubdomains' && f !== 'preload');
  if (unknown.length > 0)
    throw new Error(`strict-transport-security "${value}" has directives CloudFront cannot send: ${unknown.join(', ')}.`);
  return {
    accessControlMaxAge: Duration.seconds(Number(maxAge[1])),
    includeSubdomains: flags.includes('includesubdomains'),
    preload: flags.includes('preload'),
  };
}

function enumValue<T extends string>(values: Record<string, T>, value: string, header: string): T {
  const found = Object.values(values).find((v) => v === value);
  if (!found) throw new Error(`${header} "${value}" is not a value CloudFront supports.`);
  return found;
}
