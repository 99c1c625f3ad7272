import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, InvokeMode, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HttpFunction } from '../../functions/catalog.js';
import { AppFunction } from '../app-function.js';
import type { PermissionProfile, SecretName } from '../permissions.js';
import { IN_PLACE } from './in-place.js';

export interface HttpEndpointProps {
  readonly spec: HttpFunction;
  readonly profile: PermissionProfile;
  /** The aws-mode environment every function gets, plus what this one needs (service name, API settings). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly reservedConcurrency: number | undefined;
  readonly tracing: boolean;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  /** The sync function's name, when this endpoint's profile `invokesSync` and the sync is deployed. */
  readonly syncFunctionName: string | undefined;
  /** For the push receiver (catalog `googlePush`): the queue it sends to and the secret CloudFront adds as its origin header. */
  readonly push?: { readonly queue: IQueue; readonly originSecret: ISecret };
}

/** A deployed HTTP function: its catalog entry, the function, its URL, and the origin secret CloudFront must add (push receiver). */
export type DeployedHttpFunction = Pick<HttpEndpoint, 'spec' | 'app' | 'url' | 'originSecret'>;

/**
 * One HTTP function of the catalog (sign-in or API): its own role from its permission profile and
 * a function URL that only CloudFront can call (IAM auth, signed by origin access control). The
 * push receiver's URL takes unsigned requests instead (Google cannot sign for origin access
 * control) and the receiver refuses any without the origin secret, before reading the table.
 */
export class HttpEndpoint extends Construct {
  readonly spec: HttpFunction;
  readonly app: AppFunction;
  readonly url: FunctionUrl;
  readonly originSecret: ISecret | undefined;

  constructor(scope: Construct, id: string, props: HttpEndpointProps) {
    super(scope, id);
    this.spec = props.spec;
    const { push } = props;
    if (props.spec.googlePush && !push)
      throw new Error(`${props.spec.name} receives Google's push notifications: it needs the push queue and origin secret.`);
    this.originSecret = push?.originSecret;
    this.app = new AppFunction(this, IN_PLACE, {
      entry: props.spec.entry,
      description: `Workspace Bridge ${props.spec.name} (${props.spec.pathPatterns.join(', ')})`,
      environment: {
        ...props.environment,
        ...(push
          ? {
              PUSH_QUEUE_URL: push.queue.queueUrl,
              // Resolved by CloudFormation at deploy: the value is in neither template.
              PUSH_ORIGIN_SECRET: push.originSecret.secretValue.unsafeUnwrap(),
            }
          : {}),
      },
      logRetentionDays: props.logRetentionDays,
      reservedConcurrency: props.reservedConcurrency,
      tracing: props.tracing,
      ...(props.spec.memorySize ? { memorySize: props.spec.memorySize } : {}),
    });
    this.app.grantProfile(props.profile, { table: props.table, secrets: props.secrets });
    // By name, not by reference: the sync stack is deployed after the API.
    const sync = props.syncFunctionName;
    if (sync)
      this.app.role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [AppFunction.arnFor(this, sync)] }));
    if (push && props.profile.sendsPushChanges)
      this.app.role.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [push.queue.queueArn] }));
    this.url = this.app.fn.addFunctionUrl({
      authType: push ? FunctionUrlAuthType.NONE : FunctionUrlAuthType.AWS_IAM,
      invokeMode: InvokeMode.BUFFERED,
    });
  }
}
