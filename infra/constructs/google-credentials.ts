import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { InfraConfig } from '../config.js';
import { GoogleIssuedSecret } from './google-issued-secret.js';
import { IN_PLACE } from './in-place.js';

export interface GoogleCredentialsProps {
  /** How the sync proves it is the service account (deploy setting `googleCredentials`). */
  readonly credentials: InfraConfig['googleCredentials'];
  /** The key secret's name, used in key mode only. */
  readonly keySecretName: string;
}

/**
 * The sync's Google credential, one concern: in key mode the secret the admin puts the
 * service-account key in; keyless (Workload Identity Federation) nothing at all, since the sync's
 * AWS role is the credential (the function environment names the provider and the service account:
 * functionEnvironment in config.ts, and the sync's permission profile reads no secret:
 * syncPermissions). Created with IN_PLACE ids, so a key-mode secret keeps the logical id it had.
 */
export class GoogleCredentials extends Construct {
  /** The key secret; undefined keyless. */
  readonly keySecret: ISecret | undefined;

  constructor(scope: Construct, id: string, props: GoogleCredentialsProps) {
    super(scope, id);
    this.keySecret =
      props.credentials.mode === 'service-account-key'
        ? new GoogleIssuedSecret(this, IN_PLACE, {
            secretName: props.keySecretName,
            description: 'Google service-account key JSON for directory sync (domain-wide delegation). Put by the admin.',
          }).secret
        : undefined;
  }
}
