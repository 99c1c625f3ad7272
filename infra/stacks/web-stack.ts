import { Annotations, CfnOutput, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as CloudFrontFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  FunctionUrlOriginAccessControl,
  HttpVersion,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { GOOGLE_ORIGINS, securityHeaders } from '../../shared/http/security-headers.js';
import type { InfraConfig } from '../config.js';
import { headersPolicySettings } from '../web/security-headers-policy.js';
import { SPA_FALLBACK_SOURCE } from '../web/spa-fallback.js';
import type { DeployedHttpFunction } from './api-stack.js';

export interface WebStackProps extends StackProps {
  readonly config: InfraConfig;
  /** HTTP functions in behavior precedence order; empty before the origin is known. */
  readonly functions: readonly DeployedHttpFunction[];
  /** Absolute path of the built web client; undefined deploys no files (synth without a build). */
  readonly webBuildPath: string | undefined;
}

/** The context key DefaultStackSynthesizer reads its qualifier from. */
const BOOTSTRAP_QUALIFIER_CONTEXT = '@aws-cdk/core:bootstrapQualifier';

/** Long-lived caching for Vite's content-hashed files; everything else is revalidated on each request. */
const HASHED_ASSETS = 'assets/*';

/**
 * The public face: a private S3 bucket (origin access control) for the static client, the function
 * URLs behind `/auth/*` and `/api/*` (uncached, signed by origin access control), and one response
 * headers policy on every behavior that matches what the local host sends.
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const { config } = props;

    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket for the web bucket and CloudFront; logging its own access would log the log writes.',
    });

    this.bucket = new Bucket(this, 'WebClient', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'web-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const { securityHeadersBehavior, customHeaders } = headersPolicySettings(securityHeaders(GOOGLE_ORIGINS));
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Workspace Bridge security headers (shared/http/security-headers.ts)',
      securityHeadersBehavior,
      customHeadersBehavior: { customHeaders },
    });

    const spaFallback = new CloudFrontFunction(this, 'SpaFallback', {
      code: FunctionCode.fromInline(SPA_FALLBACK_SOURCE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Client-side routes get /index.html',
    });

    const functionAccess = new FunctionUrlOriginAccessControl(this, 'FunctionUrlAccess', {
      originAccessControlName: `${this.stackName}-function-urls`,
    });
    const additionalBehaviors: Record<string, BehaviorOptions> = {};
    for (const { spec, url } of props.functions) {
      const origin = FunctionUrlOrigin.withOriginAccessControl(url, { originAccessControl: functionAccess, readTimeout: Duration.seconds(30) });
      for (const pattern of spec.pathPatterns) {
        if (additionalBehaviors[pattern]) throw new Error(`Path pattern ${pattern} is claimed by two functions in functions/catalog.ts.`);
        additionalBehaviors[pattern] = {
          origin,
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_ALL,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          // Cookies, query strings and headers reach the function; Host does not (a function URL answers only to its own).
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers,
          compress: true,
        };
      }
    }

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Workspace Bridge',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      ...(config.customDomain
        ? {
            domainNames: [config.customDomain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', config.customDomain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        // Honors the Cache-Control the deployment sets per file: a year for hashed assets, revalidate for the rest.
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'An intranet for a company whose staff may travel anywhere; access is decided by Google sign-in and the allowed domains, not by country.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason: 'A WAF web ACL costs at least $5 a month even when idle; every dynamic path requires a signed session or a sign-in transaction, and function URLs only accept CloudFront-signed requests.',
    });
    if (!config.customDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason: 'Without a custom domain the distribution uses the *.cloudfront.net certificate, whose minimum TLS version CloudFront fixes; with customDomain set, TLS 1.2 (TLSv1.2_2021) is enforced.',
      });
    }

    if (props.webBuildPath) this.deployWebClient(props.webBuildPath, config.logRetentionDays);
    else Annotations.of(this).addWarningV2('workspace-bridge:no-web-build', 'No web build found (webBuildDir): run npm run build before cdk deploy, or the site serves nothing.');

    new CfnOutput(this, 'AppOrigin', {
      value: config.customDomain ? `https://${config.customDomain.domainName}` : `https://${this.distribution.distributionDomainName}`,
      description: 'Public origin: appOrigin in cdk.json, the JavaScript origin of the OAuth client; redirect URI is this plus /auth/callback',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: 'Point the custom domain (CNAME or alias) here',
    });
  }

  /** Only the deployment writes to the web bucket: hashed assets first (kept, immutable), then the rest with an invalidation. */
  private deployWebClient(buildPath: string, logRetentionDays: number): void {
    // Our own role and log group instead of the provider's defaults (a managed policy, a log group kept forever).
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: logRetentionDays, removalPolicy: RemovalPolicy.DESTROY });
    const role = new Role(this, 'DeploymentRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Copies the web client into its bucket' });
    role.addToPolicy(new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    const common = { sources: [Source.asset(buildPath)], destinationBucket: this.bucket, role, logGroup };
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
      distribution: this.distribution,
      distributionPaths: ['/*'],
    });
    pages.node.addDependency(assets);

    const wildcards = 'BucketDeployment grants these itself (reading the CDK asset bucket, replacing every object in the web bucket); the role serves only this deployment and only at deploy time.';
    for (const finding of ['Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*']) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason: wildcards });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      reason: 'The deployment replaces every object of the web bucket; this role is the only writer.',
    });
    // The asset bucket is named after the bootstrap qualifier (`cdk bootstrap --qualifier`, context @aws-cdk/core:bootstrapQualifier).
    const qualifier = (this.node.tryGetContext(BOOTSTRAP_QUALIFIER_CONTEXT) as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/*]`,
      reason: 'The web build is read from the CDK bootstrap asset bucket, whose object keys are content hashes known only at publish time.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'BucketDeployment grants cloudfront:CreateInvalidation and GetInvalidation on "*" to invalidate the distribution after copying; it offers no narrower option.',
    });
    const provider = this.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
    if (!provider) throw new Error('BucketDeployment provider function not found; aws-cdk-lib changed how it names it.');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The BucketDeployment provider is a Python function whose runtime aws-cdk-lib pins; it runs only during deployments.',
    });
  }
}
