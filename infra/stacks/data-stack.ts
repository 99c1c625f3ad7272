import { Stack, type StackProps } from 'aws-cdk-lib';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AppFunction } from '../app-function.js';
import type { InfraConfig } from '../config.js';
import { DirectoryTable } from '../constructs/directory-table.js';
import { GoogleCredentials } from '../constructs/google-credentials.js';
import { GoogleIssuedSecret } from '../constructs/google-issued-secret.js';
import { IN_PLACE } from '../constructs/in-place.js';
import { SessionKeys } from '../constructs/session-keys.js';

export interface DataStackProps extends StackProps {
  readonly config: InfraConfig;
}

/**
 * What outlives every redeploy: the table (retained, deletion-protected, point-in-time recovery)
 * and the secrets. Changes here are rare; the function stacks can be replaced freely.
 */
export class DataStack extends Stack {
  readonly table: TableV2;
  /** No `serviceAccountKey` keyless (googleCredentials=workload-identity): no key exists to keep. */
  readonly secrets: { readonly sessionKeys: Secret; readonly googleClientSecret: Secret; readonly serviceAccountKey?: ISecret };
  readonly rotation: AppFunction;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.table = new DirectoryTable(this, 'Table').table;
    const sessionKeys = new SessionKeys(this, IN_PLACE, {
      secretName: config.secretNames.sessionKeys,
      rotationDays: config.sessionKeyRotationDays,
      logLevel: config.logLevel,
      logRetentionDays: config.logRetentionDays,
      tracing: config.tracing,
    });
    this.rotation = sessionKeys.rotation;
    const serviceAccountKey = new GoogleCredentials(this, 'ServiceAccountKey', {
      credentials: config.googleCredentials,
      keySecretName: config.secretNames.serviceAccountKey,
    }).keySecret;
    const googleClientSecret = new GoogleIssuedSecret(this, 'GoogleClientSecret', {
      secretName: config.secretNames.googleClientSecret,
      description: 'Google OAuth client secret for sign-in. Put by the admin.',
    });
    this.secrets = {
      sessionKeys: sessionKeys.secret,
      googleClientSecret: googleClientSecret.secret,
      ...(serviceAccountKey ? { serviceAccountKey } : {}),
    };
  }
}
