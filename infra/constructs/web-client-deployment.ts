import { DefaultStackSynthesizer, RemovalPolicy, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';

/** Long-lived caching for Vite's content-hashed files; everything else is revalidated on each request. */
const HASHED_ASSETS = 'assets/*';

/** The context key DefaultStackSynthesizer reads its qualifier from (`cdk bootstrap --qualifier`). */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

export interface WebClientDeploymentProps {
  /** Absolute path of the built web client. */
  readonly buildPath: string;
  readonly bucket: Bucket;
  /** Invalidated after the pages are copied. */
  readonly distribution: IDistribution;
  readonly logRetentionDays: number;
}

/**
 * The only writer of the web bucket: hashed assets first (kept, immutable), then the rest with an
 * invalidation. Our own role and log group instead of the provider's defaults (a managed policy, a
 * log group kept forever).
 */
export class WebClientDeployment extends Construct {
  constructor(scope: Construct, id: string, props: WebClientDeploymentProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: props.logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the web client into its bucket',
    });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    // Source maps stay on the build machine: published, they would hand out the client's source.
    const build = Source.asset(props.buildPath, { exclude: ['**/*.map'] });
    const common = { sources: [build], destinationBucket: props.bucket, role, logGroup };
    const assets = new BucketDeployment(this, 'DeployHashedAssets', {
      ...common,
      exclude: ['*'],
      include: [HASHED_ASSETS],
      // Pages cached by browsers may still ask for the previous build's chunks.
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      ...common,
      exclude: [HASHED_ASSETS],
      prune: true,
      cacheControl: [CacheControl.fromString('no-cache')],
      distribution: props.distribution,
      distributionPaths: ['/*'],
    });
    pages.node.addDependency(assets);
    this.acknowledgeProviderGrants(role, props.bucket);
  }

  private acknowledgeProviderGrants(role: Role, bucket: Bucket): void {
    const stack = Stack.of(this);
    const wildcards =
      'BucketDeployment grants these itself (reading the CDK asset bucket, ' +
      'replacing every object in the web bucket); the role serves only this deployment and only at deploy time.';
    for (const finding of [
      'Action::s3:GetObject*',
      'Action::s3:GetBucket*',
      'Action::s3:List*',
      'Action::s3:DeleteObject*',
      'Action::s3:Abort*',
    ]) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: wildcards });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason: 'The deployment replaces every object of the web bucket; this role is the only writer.',
    });
    // The asset bucket is named after the bootstrap qualifier.
    const qualifier =
      (this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*]`,
      reason: 'The web build is read from the CDK bootstrap asset bucket, whose object keys are content hashes known only at publish time.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on "*" to invalidate the ' +
        'distribution after copying; it offers no narrower option.',
    });
    const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('BucketDeployment provider function not found; aws-cdk-lib changed how it names it.');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The BucketDeployment provider is a Python function whose runtime aws-cdk-lib pins; it runs only during deployments.',
    });
  }
}
