import { Duration, RemovalPolicy, SecretValue, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, TableEncryptionV2, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnRotationSchedule, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE, type KeyAttribute } from '../../shared/db/table-definition.js';
import { AppFunction } from '../app-function.js';
import type { InfraConfig } from '../config.js';

export interface DataStackProps extends StackProps {
  readonly config: InfraConfig;
}

const attribute = (key: KeyAttribute): Attribute => ({ name: key.name, type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER });

/**
 * What outlives every redeploy: the table (retained, deletion-protected, point-in-time recovery)
 * and the secrets. Changes here are rare; the function stacks can be replaced freely.
 */
export class DataStack extends Stack {
  readonly table: TableV2;
  /** No `serviceAccountKey` in keyless mode (googleCredentials=workload-identity): no key exists to keep. */
  readonly secrets: { readonly sessionKeys: Secret; readonly googleClientSecret: Secret; readonly serviceAccountKey?: Secret };
  readonly rotation: AppFunction;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.table = new TableV2(this, 'Table', {
      partitionKey: attribute(TABLE.partitionKey),
      sortKey: attribute(TABLE.sortKey),
      globalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
      })),
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // On-demand (the default): no cost when idle. The AWS managed key puts key use in CloudTrail at no monthly fee.
      encryption: TableEncryptionV2.awsManagedKey(),
    });

    // Secrets Manager generates a random placeholder; the first rotation (right after deploy) replaces it with a key ring.
    const sessionKeys = new Secret(this, 'SessionKeys', {
      secretName: config.secretNames.sessionKeys,
      description: 'Workspace Bridge session and sign-in transaction key ring (JSON); rotated automatically.',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Google issues these two; the admin puts them in (README, Deploy guide). A single space reads as "empty"
    // to the functions' secret store, which then names the missing secret and points at the guide.
    const serviceAccountKey = config.googleCredentials.mode === 'service-account-key' ? new Secret(this, 'ServiceAccountKey', {
      secretName: config.secretNames.serviceAccountKey,
      description: 'Google service-account key JSON for directory sync (domain-wide delegation). Put by the admin.',
      secretStringValue: SecretValue.unsafePlainText(' '),
      removalPolicy: RemovalPolicy.DESTROY,
    }) : undefined;
    const googleClientSecret = new Secret(this, 'GoogleClientSecret', {
      secretName: config.secretNames.googleClientSecret,
      description: 'Google OAuth client secret for sign-in. Put by the admin.',
      secretStringValue: SecretValue.unsafePlainText(' '),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    for (const secret of serviceAccountKey ? [serviceAccountKey, googleClientSecret] : [googleClientSecret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'Google issues this credential and only Google can replace it; Secrets Manager has nothing to rotate it with. README "Rotating keys" gives the manual procedure.',
      });
    }
    this.secrets = { sessionKeys, googleClientSecret, ...(serviceAccountKey ? { serviceAccountKey } : {}) };

    this.rotation = new AppFunction(this, 'RotateSessionKeys', {
      entry: 'functions/rotate-session-keys.ts',
      description: 'Workspace Bridge session key ring rotation (Secrets Manager rotation function)',
      environment: { LOG_LEVEL: config.logLevel, NODE_OPTIONS: '--enable-source-maps' },
      logRetentionDays: config.logRetentionDays,
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    this.rotation.role.addToPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        resources: [sessionKeys.secretArn],
      }),
    );
    this.rotation.fn.addPermission('InvokeBySecretsManager', {
      principal: new ServicePrincipal('secretsmanager.amazonaws.com'),
      sourceArn: sessionKeys.secretArn,
      sourceAccount: this.account,
    });
    // The L1 resource, not Secret.addRotationSchedule: that one also grants GetRandomPassword on "*",
    // which this function does not use (it draws keys from node:crypto).
    const schedule = new CfnRotationSchedule(this, 'SessionKeysRotation', {
      secretId: sessionKeys.secretArn,
      rotationLambdaArn: this.rotation.fn.functionArn,
      rotationRules: { scheduleExpression: `rate(${config.sessionKeyRotationDays} days)` },
      rotateImmediatelyOnUpdate: true,
    });
    schedule.node.addDependency(this.rotation);
  }
}
