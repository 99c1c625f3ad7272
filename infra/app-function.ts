import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type IDestination } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { FUNCTION_BUNDLE_ALIAS, FUNCTION_BUNDLE_MAIN_FIELDS, functionBundleDefine } from '../functions/bundling.js';
import { TABLE } from '../shared/adapters/dynamodb/table-definition.js';
import type { PermissionProfile, SecretName, TableAction } from './permissions.js';

/** Item writes, which a profile's `writesUnder` limits to its partitions. */
const WRITE_ACTIONS: ReadonlySet<TableAction> = new Set<TableAction>(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);
/** Item reads, which a profile's `readsUnder` limits to its partitions. */
const READ_ACTIONS: ReadonlySet<TableAction> = new Set<TableAction>(['GetItem', 'BatchGetItem', 'Query']);

export const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The Node.js Lambda runtime: the major of the npm `node` package that development, tests and CI
 * run on (test/unit/node-runtime.test.ts holds them together). Move both at once.
 */
export const NODE_RUNTIME = Runtime.NODEJS_24_X;

/** Minified ESM with source maps (without the sources), built by the local esbuild. */
const BUNDLING: BundlingOptions = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: FUNCTION_BUNDLE_MAIN_FIELDS,
  esbuildArgs: { '--alias': Object.entries(FUNCTION_BUNDLE_ALIAS).map(([path, file]) => `${path}=${file}`) },
  // Bundle the AWS SDK too: the versions we test are the versions that run.
  externalModules: [],
  // Some CommonJS dependencies call require(); ESM output has none unless we provide it.
  banner: "import { createRequire as __wbCreateRequire } from 'node:module'; const require = __wbCreateRequire(import.meta.url);",
};

export interface AppFunctionProps {
  /** Entry file relative to the repository root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly logRetentionDays: number;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly reservedConcurrency?: number;
  readonly functionName?: string;
  readonly onFailure?: IDestination;
  readonly retryAttempts?: number;
  readonly maxEventAge?: Duration;
  /** X-Ray active tracing (the `tracing` setting); Lambda then grants the role what sending traces needs. */
  readonly tracing: boolean;
}

/**
 * One Lambda function as this product deploys them: bundled by the local esbuild as minified ESM
 * with source maps, ARM64 on the latest Node.js runtime, its own log group with retention, and its
 * own role that starts with nothing but writing to that log group (no managed policies).
 */
export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.description}`,
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.fn = new NodejsFunction(this, 'Function', {
      entry: `${REPOSITORY_ROOT}${props.entry}`,
      handler: 'handler',
      description: props.description,
      functionName: props.functionName,
      runtime: NODE_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrency,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      ...(props.tracing ? { tracing: Tracing.ACTIVE } : {}),
      projectRoot: REPOSITORY_ROOT,
      depsLockFilePath: `${REPOSITORY_ROOT}package-lock.json`,
      // Tracing is compiled in or out (shared/adapters/tracing.ts): off, the tracer is not in the bundle.
      bundling: { ...BUNDLING, define: { ...functionBundleDefine(props.tracing) } },
    });
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: `${NODE_RUNTIME.name} is the Node LTS that development, tests and CI run on (package.json pins it); the runtime moves with them, not alone.`,
    });
    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing (setting tracing=true): xray:PutTraceSegments and PutTelemetryRecords have no resource-level permissions, so X-Ray requires "*".',
      });
    }
    this.outputForRunbook(props.description);
  }

  /** What the runbook asks for first: which function, and where its logs are. */
  private outputForRunbook(description: string): void {
    new CfnOutput(this, 'FunctionName', { value: this.fn.functionName, description: `Function: ${description}` });
    new CfnOutput(this, 'LogGroupName', { value: this.logGroup.logGroupName, description: `Log group of ${description}` });
  }

  /**
   * Grants exactly what a permission profile lists: its actions on the table, Query on the indexes
   * it queries (and no other index), and the named secrets, read-only.
   */
  grantProfile(
    profile: PermissionProfile,
    resources: { readonly table: ITableV2; readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>> },
  ): void {
    const tableArn = resources.table.tableArn;
    if (profile.table) {
      const { actions, queriedIndexes, writesUnder, readsUnder } = profile.table;
      const limits = [
        { partitions: writesUnder, actions: writesUnder ? actions.filter((a) => WRITE_ACTIONS.has(a)) : [] },
        { partitions: readsUnder, actions: readsUnder ? actions.filter((a) => READ_ACTIONS.has(a)) : [] },
      ];
      const unlimited = actions.filter((a) => !limits.some((limit) => limit.actions.includes(a)));
      if (unlimited.length > 0)
        this.role.addToPolicy(new PolicyStatement({ actions: unlimited.map((a) => `dynamodb:${a}`), resources: [tableArn] }));
      for (const { partitions, actions: limited } of limits) {
        if (limited.length === 0) continue;
        this.role.addToPolicy(
          new PolicyStatement({
            actions: limited.map((a) => `dynamodb:${a}`),
            resources: [tableArn],
            conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions!] } },
          }),
        );
      }
      for (const name of queriedIndexes) {
        if (!TABLE.globalSecondaryIndexes.some((index) => index.indexName === name))
          throw new Error(`Permission profile names index "${name}", which shared/adapters/dynamodb/table-definition.ts does not define.`);
      }
      if (queriedIndexes.length > 0) {
        this.role.addToPolicy(
          new PolicyStatement({ actions: ['dynamodb:Query'], resources: queriedIndexes.map((name) => `${tableArn}/index/${name}`) }),
        );
      }
    }
    if (profile.secrets.length > 0) {
      this.role.addToPolicy(
        new PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: profile.secrets.map((name) => secretArn(resources.secrets, name)),
        }),
      );
    }
  }

  /** ARN of this function built from its physical name, for a grant that must not reference the function itself. */
  static arnFor(scope: Construct, functionName: string): string {
    return Stack.of(scope).formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: functionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}

function secretArn(secrets: Readonly<Partial<Record<SecretName, ISecret>>>, name: SecretName): string {
  const secret = secrets[name];
  if (!secret)
    throw new Error(
      `A permission profile reads the secret "${name}", which this deployment does not create (keyless mode has no service-account key).`,
    );
  return secret.secretArn;
}
