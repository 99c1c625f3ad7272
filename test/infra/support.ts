import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import { HTTP_FUNCTIONS, type HttpFunction } from '../../functions/catalog.js';
import { readInfraConfig, type ContextKey } from '../../infra/config.js';
import { buildWorkspaceBridge, type WorkspaceBridge } from '../../infra/workspace-bridge.js';

export const FIXTURE_HANDLER = 'test/infra/fixtures/handler.ts';
export const FIXTURE_WEB_BUILD = 'test/infra/fixtures/web';

/** The planned HTTP functions (sign-in helper + API) with stand-in entry files, in behavior order. */
/** The catalog's functions (names, paths, sizes) with a tiny fixture handler, so synth bundles fast. */
export const FIXTURE_FUNCTIONS: readonly HttpFunction[] = HTTP_FUNCTIONS.map((fn) => ({ ...fn, entry: FIXTURE_HANDLER }));

export const FULL_CONTEXT = {
  appOrigin: 'https://intranet.example.com',
  googleClientId: '1234-abc.apps.googleusercontent.com',
  allowedDomains: 'example.com,example.org',
  adminSubject: 'admin@example.com',
  webBuildDir: FIXTURE_WEB_BUILD,
  alarmEmail: 'ops@example.com',
};

const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

export interface Synthesized {
  readonly bridge: WorkspaceBridge;
  template(stack: Stack): Template;
}

/**
 * Builds the whole app as `cdk synth` does (cdk.json context, cdk-nag included) and synthesizes it:
 * a cdk-nag violation throws here. Bundling is skipped unless named stacks ask for it.
 */
export function synthesize(
  options: {
    context?: Record<string, unknown>;
    httpFunctions?: readonly HttpFunction[];
    syncEntry?: string;
    bundlingStacks?: string[];
    outdir?: string;
  } = {},
): Synthesized {
  const app = new App({
    outdir: options.outdir,
    // aws-cdk-lib's own CloudFormation linter costs ~15 s per process; the `npx cdk synth` test runs it.
    builtinCloudFormationValidation: false,
    context: { ...CDK_JSON_CONTEXT, ...(options.context ?? FULL_CONTEXT), 'aws:cdk:bundling-stacks': options.bundlingStacks ?? [] },
  });
  const config = readInfraConfig((key: ContextKey) => app.node.tryGetContext(key));
  const bridge = buildWorkspaceBridge(app, {
    config,
    httpFunctions: options.httpFunctions ?? FIXTURE_FUNCTIONS,
    syncEntry: options.syncEntry ?? FIXTURE_HANDLER,
  });
  const assembly = app.synth();
  return {
    bridge,
    template: (stack) => Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown>),
  };
}

type Json = Record<string, unknown>;

/** The CloudFormation resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Json> {
  return template.findResources(type) as Record<string, Json>;
}

export function onlyResource(template: Template, type: string): Json {
  const found = Object.values(resourcesOf(template, type));
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}.`);
  return found[0]!;
}

/** Renders a CloudFront response headers policy back into the header map a browser receives. */
export function headersFromPolicy(policy: Json): Record<string, string> {
  const config = (policy.Properties as Json).ResponseHeadersPolicyConfig as Json;
  const security = (config.SecurityHeadersConfig ?? {}) as Record<string, Json>;
  const headers: Record<string, string> = {};
  if (security.ContentSecurityPolicy) headers['content-security-policy'] = security.ContentSecurityPolicy.ContentSecurityPolicy as string;
  if (security.StrictTransportSecurity) {
    const hsts = security.StrictTransportSecurity;
    headers['strict-transport-security'] = [
      `max-age=${hsts.AccessControlMaxAgeSec}`,
      ...(hsts.IncludeSubdomains ? ['includeSubDomains'] : []),
      ...(hsts.Preload ? ['preload'] : []),
    ].join('; ');
  }
  if (security.ContentTypeOptions) headers['x-content-type-options'] = 'nosniff';
  if (security.FrameOptions) headers['x-frame-options'] = security.FrameOptions.FrameOption as string;
  if (security.ReferrerPolicy) headers['referrer-policy'] = security.ReferrerPolicy.ReferrerPolicy as string;
  for (const item of ((config.CustomHeadersConfig as Json | undefined)?.Items ?? []) as Json[])
    headers[item.Header as string] = item.Value as string;
  return headers;
}

/** The one construct with this id anywhere under `scope` (concerns are constructs inside the stacks). */
export function descendant(scope: IConstruct, id: string): IConstruct {
  const found = scope.node.findAll().filter((c) => c.node.id === id);
  if (found.length !== 1) throw new Error(`Expected one construct "${id}" under ${scope.node.path}, found ${found.length}.`);
  return found[0]!;
}
