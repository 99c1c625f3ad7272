import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { HttpFunction } from '../../functions/catalog.js';
import { apiSettingsEnvironment, functionEnvironment, type InfraConfig } from '../config.js';
import { HttpEndpoint, type DeployedHttpFunction } from '../constructs/http-endpoint.js';
import { permissionsFor, type SecretName } from '../permissions.js';

export interface ApiStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  /** The HTTP functions to deploy, in CloudFront behavior order (functions/catalog.ts). */
  readonly functions: readonly HttpFunction[];
  /** The sync function's name, when the sync stack is deployed: functions whose profile `invokesSync` may invoke it. */
  readonly syncFunctionName?: string;
  /** With push on: the queue and origin secret the push receiver uses; without, the receiver is not deployed. */
  readonly push?: { readonly queue: IQueue; readonly originSecret: ISecret };
}

export type { DeployedHttpFunction };

/** Sign-in, API and (push on) the push receiver: one endpoint per catalog entry, each with its own role from its permission profile. */
export class ApiStack extends Stack {
  readonly functions: readonly DeployedHttpFunction[];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const environment = functionEnvironment(props.config, props.table.tableName);
    const deployed = props.functions.filter((spec) => !spec.googlePush || props.push);
    this.functions = deployed.map((spec) => {
      const profile = permissionsFor(spec.name);
      return new HttpEndpoint(this, pascalCase(spec.name), {
        spec,
        profile,
        environment: {
          ...environment,
          POWERTOOLS_SERVICE_NAME: spec.name,
          ...(profile.invokesSync && props.syncFunctionName ? { SYNC_FUNCTION_NAME: props.syncFunctionName } : {}),
          ...(profile.readsApiSettings ? apiSettingsEnvironment(props.config) : {}),
        },
        logRetentionDays: props.config.logRetentionDays,
        // The receiver's own cap: a flood of notifications (forged ones too) runs at most this many at once.
        reservedConcurrency: spec.googlePush ? props.config.pushReceiverConcurrency : props.config.httpReservedConcurrency,
        tracing: props.config.tracing,
        table: props.table,
        secrets: props.secrets,
        syncFunctionName: profile.invokesSync ? props.syncFunctionName : undefined,
        ...(spec.googlePush ? { push: props.push } : {}),
      });
    });
  }
}

export function pascalCase(name: string): string {
  return name.replace(/(^|[-_])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
