import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The value CloudFront adds in the push receiver's origin header and the receiver requires
 * (shared/domain/push/token.ts, ORIGIN_SECRET_HEADER): generated at deploy, never in a template
 * (both sides get it through a Secrets Manager dynamic reference resolved by CloudFormation).
 */
export class ReceiverOriginSecret extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'Workspace Bridge: header value CloudFront adds on requests to the push receiver (generated; no one needs to read it)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A cost shield, not an authorization: it only spares a direct request to the function URL its table read; ' +
        'every notification is still verified by its channel token. Changing it means updating the receiver and the ' +
        'distribution together (docs/operations.md).',
    });
  }
}
