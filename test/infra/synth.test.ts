import { App } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readInfraConfig, type ContextKey } from '../../infra/config.js';
import { REPOSITORY_ROOT } from '../../infra/app-function.js';
import { buildWorkspaceBridge, SYNC_ENTRY } from '../../infra/workspace-bridge.js';
import { FIXTURE_FUNCTIONS, FIXTURE_HANDLER, FULL_CONTEXT, synthesize } from './support.js';

const run = promisify(execFile);

describe('cdk-nag (AWS Solutions pack) on every synth', () => {
  it('fails synth on an unacknowledged finding (the check is live)', () => {
    const app = new App({ builtinCloudFormationValidation: false, context: { ...FULL_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const bridge = buildWorkspaceBridge(app, {
      config: readInfraConfig((k: ContextKey) => app.node.tryGetContext(k)),
      httpFunctions: FIXTURE_FUNCTIONS,
      syncEntry: FIXTURE_HANDLER,
    });
    new Bucket(bridge.web, 'Unchecked');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*WorkspaceBridge-Web\/Unchecked/);
  });

  it('acknowledges only these rules, each next to its construct with a specific reason', () => {
    const { bridge } = synthesize();
    const acknowledged: string[] = [];
    for (const stack of [bridge.data, bridge.push!, bridge.api!, bridge.sync!, bridge.web, bridge.monitoring]) {
      for (const construct of stack.node.findAll()) {
        for (const entry of construct.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')) {
          for (const [qualifiedId, reason] of Object.entries(entry.data as Record<string, string>)) {
            const id = qualifiedId.replace(/^[A-Za-z]+::/, '');
            if (!id.startsWith('AwsSolutions-')) continue; // aws-cdk-lib's own acknowledgements of CloudFormation lint rules
            expect(reason.length, id).toBeGreaterThan(60);
            acknowledged.push(`${construct.node.path.replace(/[A-F0-9]{8,}/g, '…')} ${id.replace(/<[A-Za-z]+[A-F0-9]{8}\./, '<…')}`);
          }
        }
      }
    }
    // "Default" is a concern mounted in place (infra/constructs/in-place.ts).
    expect(acknowledged.sort()).toEqual(
      [
        // Every function deploys the Node LTS the project runs on, not the newest runtime (infra/app-function.ts).
        'WorkspaceBridge-Api/Api/Default/Function AwsSolutions-L1',
        'WorkspaceBridge-Api/AuthCallback/Default/Function AwsSolutions-L1',
        'WorkspaceBridge-Api/AuthLogin/Default/Function AwsSolutions-L1',
        'WorkspaceBridge-Api/AuthSession/Default/Function AwsSolutions-L1',
        'WorkspaceBridge-Api/PushReceiver/Default/Function AwsSolutions-L1',
        'WorkspaceBridge-Data/Default/RotateSessionKeys/Function AwsSolutions-L1',
        'WorkspaceBridge-Sync/Default/Sync/Function AwsSolutions-L1',
        'WorkspaceBridge-Push/Worker/Worker/Function AwsSolutions-L1',
        'WorkspaceBridge-Push/Channels/Manager/Function AwsSolutions-L1',
        // Push (infra/stacks/push-stack.ts): the origin secret is a cost shield, not rotated; its failure stores are not queued further.
        'WorkspaceBridge-Push/ReceiverOrigin/Secret AwsSolutions-SMG4',
        'WorkspaceBridge-Push/Queue/DeadLetters AwsSolutions-SQS3',
        'WorkspaceBridge-Push/Channels/FailedRuns AwsSolutions-SQS3',
        'WorkspaceBridge-Push/Channels/ScheduleDeadLetters AwsSolutions-SQS3',
        'WorkspaceBridge-Push/Channels/Schedule/SchedulerRole AwsSolutions-IAM5[Resource::<…Arn>:*]',
        'WorkspaceBridge-Data/GoogleClientSecret AwsSolutions-SMG4',
        'WorkspaceBridge-Data/ServiceAccountKey/Default AwsSolutions-SMG4',
        'WorkspaceBridge-Monitoring/Default/Alarms AwsSolutions-SNS2',
        'WorkspaceBridge-Sync/Default/FailedRuns AwsSolutions-SQS3',
        'WorkspaceBridge-Sync/Default/ScheduleDeadLetters AwsSolutions-SQS3',
        'WorkspaceBridge-Sync/Default/Default/SchedulerRole AwsSolutions-IAM5[Resource::<…Arn>:*]',
        'WorkspaceBridge-Web/Default/AccessLogs AwsSolutions-S1',
        'WorkspaceBridge-Web/Custom::CDKBucketDeployment… AwsSolutions-L1',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Action::s3:Abort*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Action::s3:GetObject*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Action::s3:List*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Resource::*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Resource::<…Arn>/*]',
        'WorkspaceBridge-Web/Default/Default/DeploymentRole AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'WorkspaceBridge-Web/Default/Distribution AwsSolutions-CFR1',
        'WorkspaceBridge-Web/Default/Distribution AwsSolutions-CFR2',
        'WorkspaceBridge-Web/Default/Distribution AwsSolutions-CFR4',
      ].sort(),
    );
  });
});

describe('custom bootstrap qualifier', () => {
  it('synthesizes with @aws-cdk/core:bootstrapQualifier=custom1: assets come from that bootstrap, cdk-nag stays clean', () => {
    const { bridge, template } = synthesize({ context: { ...FULL_CONTEXT, '@aws-cdk/core:bootstrapQualifier': 'custom1' } });
    const json = JSON.stringify(template(bridge.web).toJSON());
    expect(json).toContain('cdk-custom1-assets-');
    expect(json).not.toContain('hnb659fds');
  });
});

describe('bundling', () => {
  it('bundles a function with the local esbuild: minified ESM with a require shim and a source map, no Docker', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'wb-cdk-'));
    const { bridge, template } = synthesize({ bundlingStacks: ['WorkspaceBridge-Data'], outdir });
    const code = template(bridge.data).toJSON().Resources[bridge.data.getLogicalId(bridge.data.rotation.fn.node.defaultChild as never)]
      .Properties.Code;
    const assetDir = join(outdir, `asset.${(code.S3Key as string).replace(/\.zip$/, '')}`);
    expect((await readdir(assetDir)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const bundle = await readFile(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle.startsWith("import { createRequire as __wbCreateRequire } from 'node:module'")).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*as handler/);
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2000); // minified: long lines, not source layout
    expect(
      JSON.parse(await readFile(join(assetDir, 'index.mjs.map'), 'utf8')).sources.some((s: string) =>
        s.endsWith('functions/rotate-session-keys.ts'),
      ),
    ).toBe(true);
    expect(typeof (await import(pathToFileURL(join(assetDir, 'index.mjs')).href)).handler).toBe('function');
  });
});

describe('npx cdk synth', () => {
  it('synthesizes the real app offline (cdk.json, tsx, esbuild bundling, cdk-nag) with every stack', async () => {
    const outdir = await mkdtemp(join(tmpdir(), 'wb-cdk-out-'));
    const context = Object.entries({ ...FULL_CONTEXT }).flatMap(([k, v]) => ['-c', `${k}=${v}`]);
    const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--no-notices', '-q', '-o', outdir, ...context], {
      cwd: join(import.meta.dirname, '../..'),
      maxBuffer: 1 << 24,
    });
    expect(`${stdout}${stderr}`).not.toMatch(/AwsSolutions-|Synthesis finished with errors/);
    const manifest = JSON.parse(await readFile(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { type: string }> };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([id]) => id);
    expect(stacks).toEqual(
      expect.arrayContaining(['WorkspaceBridge-Data', 'WorkspaceBridge-Api', 'WorkspaceBridge-Web', 'WorkspaceBridge-Monitoring']),
    );
    // Every bundled function loads as the Lambda runtime loads it (ESM, CommonJS dependencies through the require shim).
    const template = JSON.parse(await readFile(join(outdir, 'WorkspaceBridge-Api.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Code: { S3Key: string } } }>;
    };
    const bundles = Object.values(template.Resources)
      .filter((r) => r.Type === 'AWS::Lambda::Function')
      .map((r) => join(outdir, `asset.${r.Properties.Code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs'));
    expect(bundles.length).toBeGreaterThan(0);
    for (const bundle of bundles) {
      expect(typeof (await import(pathToFileURL(bundle).href)).handler, bundle).toBe('function');
      // node:http through require(), not its ES module facade (functions/node-http.cjs: ~40 ms of a cold start).
      expect(await readFile(bundle, 'utf8'), bundle).not.toMatch(/from\s*["']node:http["']/);
    }
    // The sync stack appears as soon as the sync function exists.
    expect(stacks.includes('WorkspaceBridge-Sync')).toBe(existsSync(join(REPOSITORY_ROOT, SYNC_ENTRY)));
  }, 180_000);
});
