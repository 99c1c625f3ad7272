import { CfnOutput, RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { IN_PLACE } from './in-place.js';

export interface GoogleIssuedSecretProps {
  readonly secretName: string;
  readonly description: string;
}

/**
 * A credential Google issues and the admin puts in (deploy guide). It starts as a single space,
 * which the functions' secret store reads as "empty" and then names the missing secret.
 */
export class GoogleIssuedSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: GoogleIssuedSecretProps) {
    super(scope, id);
    this.secret = new Secret(this, IN_PLACE, {
      secretName: props.secretName,
      description: props.description,
      secretStringValue: SecretValue.unsafePlainText(' '),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new CfnOutput(this, 'SecretName', { value: props.secretName, description: `Secret to put by hand: ${props.description}` });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Google issues this credential and only Google can replace it; ' +
        'Secrets Manager has nothing to rotate it with. The operations runbook, "Rotating keys", ' +
        'gives the manual procedure.',
    });
  }
}
