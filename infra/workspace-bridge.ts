import { Annotations, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { HTTP_FUNCTIONS, type HttpFunction } from '../functions/catalog.js';
import { REPOSITORY_ROOT, type AppFunction } from './app-function.js';
import { stackNamePrefix, type InfraConfig } from './config.js';
import { ApiStack, pascalCase } from './stacks/api-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { MonitoringStack } from './stacks/monitoring-stack.js';
import { PushStack } from './stacks/push-stack.js';
import { SyncStack, syncFunctionName } from './stacks/sync-stack.js';
import { WebStack } from './stacks/web-stack.js';

export const SYNC_ENTRY = 'functions/sync.ts';

export interface WorkspaceBridgeOptions {
  readonly config: InfraConfig;
  /** HTTP functions in behavior order; defaults to functions/catalog.ts. */
  readonly httpFunctions?: readonly HttpFunction[];
  /** Entry of the sync function; defaults to functions/sync.ts. */
  readonly syncEntry?: string;
}

export interface WorkspaceBridge {
  readonly data: DataStack;
  readonly api: ApiStack | undefined;
  readonly sync: SyncStack | undefined;
  /** With push on (the `push` setting) and the origin known. */
  readonly push: PushStack | undefined;
  readonly web: WebStack;
  readonly monitoring: MonitoringStack;
}

/**
 * The whole deployment, split by concern and lifetime: data (table, secrets: kept), push (queue,
 * worker, channel manager; with push on), api (sign-in, API and push receiver functions), sync
 * (schedule, function, failure queues), web (bucket, CloudFront), and monitoring (alarms, dashboard). Checked by cdk-nag's AWS Solutions rules on every synth.
 *
 * The functions need the public origin (redirect URIs); CloudFront only assigns its domain when
 * the distribution is created, and the distribution needs the function URLs. So without a custom
 * domain the first deploy creates data, web and monitoring only and prints the origin; the second
 * deploy, with `appOrigin` and `googleClientId` set, adds the functions (README, Deploy guide).
 */
export function buildWorkspaceBridge(app: App, options: WorkspaceBridgeOptions): WorkspaceBridge {
  const { config } = options;
  const description = (what: string) => `Workspace Bridge${config.instanceName ? ` (${config.instanceName})` : ''}: ${what}`;
  // Stack ids are stack names: the instance name keeps two installations apart in one account and region.
  const prefix = stackNamePrefix(config);
  const syncStackId = `${prefix}-Sync`;
  const data = new DataStack(app, `${prefix}-Data`, { config, description: description('table and secrets (retained)') });

  let api: ApiStack | undefined;
  let sync: SyncStack | undefined;
  let push: PushStack | undefined;
  if (config.appOrigin) {
    if (config.push) {
      push = new PushStack(app, `${prefix}-Push`, {
        config,
        table: data.table,
        secrets: data.secrets,
        description: description('push-driven sync: queue, worker, channel manager'),
      });
    }
    const syncEntry = options.syncEntry ?? SYNC_ENTRY;
    const hasSync = existsSync(join(REPOSITORY_ROOT, syncEntry));
    api = new ApiStack(app, `${prefix}-Api`, {
      config,
      table: data.table,
      secrets: data.secrets,
      functions: options.httpFunctions ?? HTTP_FUNCTIONS,
      ...(hasSync ? { syncFunctionName: syncFunctionName(syncStackId) } : {}),
      ...(push ? { push: { queue: push.queue.queue, originSecret: push.originSecret } } : {}),
      description: description('sign-in and API functions'),
    });
    if (hasSync) {
      sync = new SyncStack(app, syncStackId, {
        config,
        table: data.table,
        secrets: data.secrets,
        entry: syncEntry,
        description: description('directory sync'),
      });
    } else {
      Annotations.of(api).addWarningV2('workspace-bridge:no-sync', `${syncEntry} does not exist yet: the sync stack is left out.`);
    }
  } else {
    Annotations.of(data).addWarningV2(
      'workspace-bridge:first-deploy',
      'appOrigin is not set: deploying data, web and monitoring only. Set appOrigin (the AppOrigin output) and googleClientId, then deploy again.',
    );
  }

  const webBuildPath = isAbsolute(config.webBuildDir) ? config.webBuildDir : join(REPOSITORY_ROOT, config.webBuildDir);
  const hasWebBuild = existsSync(join(webBuildPath, 'index.html'));
  const web = new WebStack(app, `${prefix}-Web`, {
    config,
    functions: api?.functions ?? [],
    webBuildPath: hasWebBuild ? webBuildPath : undefined,
    description: description('static client and CloudFront'),
  });

  const functions: Record<string, AppFunction> = { RotateSessionKeys: data.rotation };
  for (const deployed of api?.functions ?? []) functions[pascalCase(deployed.spec.name)] = deployed.app;
  if (push) Object.assign(functions, { PushWorker: push.worker, PushChannels: push.channels.manager });
  const monitoring = new MonitoringStack(app, `${prefix}-Monitoring`, {
    config,
    functions,
    sync: sync?.sync,
    httpFunctions: api?.functions ?? [],
    failureQueues: {
      ...(sync ? { SyncScheduleDeadLetters: sync.scheduleDeadLetters, FailedSyncRuns: sync.failedRuns } : {}),
      ...(push
        ? {
            PushDeadLetters: push.queue.deadLetters,
            PushScheduleDeadLetters: push.channels.failures.scheduleDeadLetters,
            FailedPushChannelRuns: push.channels.failures.failedRuns,
          }
        : {}),
    },
    pushChannels: push !== undefined,
    distribution: web.distribution,
    description: description('alarms and dashboard'),
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, api, sync, push, web, monitoring };
}
