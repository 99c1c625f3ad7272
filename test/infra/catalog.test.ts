import { describe, expect, it } from 'vitest';
import { HTTP_FUNCTIONS } from '../../functions/catalog.js';
import { HTTP_FUNCTION_PERMISSIONS, permissionsFor } from '../../infra/permissions.js';
import { onlyResource, synthesize } from './support.js';

type Json = Record<string, unknown>;

describe('the real function catalog', () => {
  it('every catalog entry has a permission profile', () => {
    for (const fn of HTTP_FUNCTIONS) expect(HTTP_FUNCTION_PERMISSIONS, fn.name).toHaveProperty([fn.name]);
  });

  it('a function without a profile stops synth with a message naming it', () => {
    expect(() => permissionsFor('reports')).toThrow(/"reports" .* no permission profile: add it to HTTP_FUNCTION_PERMISSIONS/);
  });

  it('becomes one CloudFront behavior per path pattern, in catalog order, each to its own function', () => {
    const { bridge, template } = synthesize({ httpFunctions: HTTP_FUNCTIONS });
    expect(bridge.api!.functions.map((f) => f.spec.name)).toEqual(HTTP_FUNCTIONS.map((f) => f.name));
    const config = (onlyResource(template(bridge.web), 'AWS::CloudFront::Distribution').Properties as Json).DistributionConfig as Json;
    expect((config.CacheBehaviors as Json[]).map((b) => b.PathPattern)).toEqual(HTTP_FUNCTIONS.flatMap((f) => f.pathPatterns));
  });

  it('two functions claiming one pattern stop synth', () => {
    const clash = [
      { name: 'api', entry: 'test/infra/fixtures/handler.ts', pathPatterns: ['/api/*'] },
      { name: 'auth-session', entry: 'test/infra/fixtures/handler.ts', pathPatterns: ['/api/*'] },
    ];
    expect(() => synthesize({ httpFunctions: clash })).toThrow(/\/api\/\* is claimed by two functions/);
  });
});
