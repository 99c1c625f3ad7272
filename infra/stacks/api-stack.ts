import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { HttpFunction } from '../../functions/catalog.js';
import { AppFunction } from '../app-function.js';
import { apiSettingsEnvironment, functionEnvironment, type InfraConfig } from '../config.js';
import { permissionsFor, type SecretName } from '../permissions.js';

export interface ApiStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  /** The HTTP functions to deploy, in CloudFront behavior order (functions/catalog.ts). */
  readonly functions: readonly HttpFunction[];
  /** The sync function's name, when the sync stack is deployed: functions whose profile `invokesSync` may invoke it. */
  readonly syncFunctionName?: string;
}

export interface DeployedHttpFunction {
  readonly spec: HttpFunction;
  readonly app: AppFunction;
  readonly url: FunctionUrl;
}

/**
 * One function per catalog entry (sign-in and API), each with its own role from its permission
 * profile and a function URL that only CloudFront can call (IAM auth, signed by origin access control).
 */
export class ApiStack extends Stack {
  readonly functions: readonly DeployedHttpFunction[];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const environment = functionEnvironment(props.config, props.table.tableName);
    this.functions = props.functions.map((spec) => {
      const profile = permissionsFor(spec.name);
      const sync = profile.invokesSync ? props.syncFunctionName : undefined;
      const app = new AppFunction(this, pascalCase(spec.name), {
        entry: spec.entry,
        description: `Workspace Bridge ${spec.name} (${spec.pathPatterns.join(', ')})`,
        environment: {
          ...environment,
          POWERTOOLS_SERVICE_NAME: spec.name,
          ...(sync ? { SYNC_FUNCTION_NAME: sync } : {}),
          ...(profile.readsApiSettings ? apiSettingsEnvironment(props.config) : {}),
        },
        logRetentionDays: props.config.logRetentionDays,
        reservedConcurrency: props.config.httpReservedConcurrency,
        ...(spec.memorySize ? { memorySize: spec.memorySize } : {}),
      });
      app.grantProfile(profile, { table: props.table, secrets: props.secrets });
      // By name, not by reference: the sync stack is deployed after this one.
      if (sync) app.role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [AppFunction.arnFor(this, sync)] }));
      const url = app.fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM, invokeMode: InvokeMode.BUFFERED });
      return { spec, app, url };
    });
  }
}

export function pascalCase(name: string): string {
  return name.replace(/(^|[-_])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
