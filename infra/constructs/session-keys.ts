import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnRotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.js';

export interface SessionKeysProps {
  readonly secretName: string;
  /** Days between automatic rotations. */
  readonly rotationDays: number;
  readonly logLevel: string;
  readonly logRetentionDays: number;
  readonly tracing: boolean;
}

/**
 * The session and sign-in transaction key ring: a secret that its own rotation function replaces
 * on a schedule, starting right after deploy. Secrets Manager generates a random placeholder; the
 * first rotation replaces it with a key ring.
 */
export class SessionKeys extends Construct {
  readonly secret: Secret;
  readonly rotation: AppFunction;

  constructor(scope: Construct, id: string, props: SessionKeysProps) {
    super(scope, id);
    this.secret = new Secret(this, 'SessionKeys', {
      secretName: props.secretName,
      description: 'Workspace Bridge session and sign-in transaction key ring (JSON); rotated automatically.',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.rotation = new AppFunction(this, 'RotateSessionKeys', {
      entry: 'functions/rotate-session-keys.ts',
      description: 'Workspace Bridge session key ring rotation (Secrets Manager rotation function)',
      environment: { LOG_LEVEL: props.logLevel, NODE_OPTIONS: '--enable-source-maps' },
      logRetentionDays: props.logRetentionDays,
      memorySize: 256,
      timeout: Duration.seconds(30),
      tracing: props.tracing,
    });
    this.rotation.role.addToPolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [this.secret.secretArn],
      }),
    );
    this.rotation.fn.addPermission('InvokeBySecretsManager', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceArn: this.secret.secretArn,
      sourceAccount: Stack.of(this).account,
    });
    // The L1 resource, not Secret.addRotationSchedule: that one also grants GetRandomPassword on "*",
    // which this function does not use (it draws keys from node:crypto).
    const schedule = new CfnRotationSchedule(this, 'SessionKeysRotation', {
      secretId: this.secret.secretArn,
      rotationLambdaArn: this.rotation.fn.functionArn,
      rotationRules: { scheduleExpression: `rate(${props.rotationDays} days)` },
      rotateImmediatelyOnUpdate: true,
    });
    schedule.node.addDependency(this.rotation);
    new CfnOutput(this, 'SessionKeysSecretName', {
      value: props.secretName,
      description: 'The session key ring (rotated automatically; rotate now to replace the newest key)',
    });
  }
}
