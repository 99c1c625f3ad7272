import { Annotations, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { FunctionUrlOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { INTEGRATIONS } from '../../shared/config/config.js';
import { ORIGIN_SECRET_HEADER } from '../../shared/domain/push/token.js';
import { NOTIFICATION_HEADERS } from '../../shared/services/push/receiver.js';
import { googleOriginsFor, securityHeaders } from '../../shared/http/security-headers.js';
import type { InfraConfig, PriceClassSetting } from '../config.js';
import type { DeployedHttpFunction } from './http-endpoint.js';
import { headersPolicySettings } from '../web/security-headers-policy.js';
import { SPA_FALLBACK_SOURCE } from '../web/spa-fallback.js';
import { IN_PLACE } from './in-place.js';
import { WebClientDeployment } from './web-client-deployment.js';

const PRICE_CLASS: Readonly<Record<PriceClassSetting, PriceClass>> = {
  '100': PriceClass.PRICE_CLASS_100,
  '200': PriceClass.PRICE_CLASS_200,
  All: PriceClass.PRICE_CLASS_ALL,
};

export interface SiteProps {
  readonly config: InfraConfig;
  /** HTTP functions in behavior precedence order; empty before the origin is known. */
  readonly functions: readonly DeployedHttpFunction[];
  /** Absolute path of the built web client; undefined deploys no files (synth without a build). */
  readonly webBuildPath: string | undefined;
}

/**
 * The public face: a private S3 bucket (origin access control) for the static client, the function
 * URLs behind `/auth/*` and `/api/*` (uncached, signed by origin access control), and one response
 * headers policy on every behavior that matches what the local host sends.
 */
export class Site extends Construct {
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  private readonly headers: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: SiteProps) {
    super(scope, id);
    const logs = this.accessLogBucket();
    this.bucket = new Bucket(this, 'WebClient', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'web-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const { securityHeadersBehavior, customHeaders } = headersPolicySettings(
      securityHeaders(googleOriginsFor(props.config.enabledIntegrations ?? INTEGRATIONS)),
    );
    this.headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Workspace Bridge security headers (shared/http/security-headers.ts)',
      securityHeadersBehavior,
      customHeadersBehavior: { customHeaders },
    });
    this.distribution = this.createDistribution(props.config, logs, this.functionBehaviors(props.functions));
    if (props.webBuildPath) {
      new WebClientDeployment(this, IN_PLACE, {
        buildPath: props.webBuildPath,
        bucket: this.bucket,
        distribution: this.distribution,
        logRetentionDays: props.config.logRetentionDays,
      });
    } else {
      Annotations.of(this).addWarningV2(
        'workspace-bridge:no-web-build',
        'No web build found (webBuildDir): run npm run build before cdk deploy, or the site serves nothing.',
      );
    }
  }

  private accessLogBucket(): Bucket {
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with an ACL (S3 server access logs use the bucket policy).
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log bucket for the web bucket and CloudFront; logging its own access would log the log writes.',
    });
    return logs;
  }

  /** One uncached behavior per path pattern of each HTTP function, in catalog order. */
  private functionBehaviors(functions: readonly DeployedHttpFunction[]): Record<string, BehaviorOptions> {
    const functionAccess = new FunctionUrlOriginAccessControl(this, 'FunctionUrlAccess', {
      originAccessControlName: `${Stack.of(this).stackName}-function-urls`,
    });
    const behaviors: Record<string, BehaviorOptions> = {};
    for (const deployed of functions) {
      const behavior = deployed.spec.googlePush
        ? this.pushReceiverBehavior(deployed)
        : {
            origin: FunctionUrlOrigin.withOriginAccessControl(deployed.url, {
              originAccessControl: functionAccess,
              readTimeout: Duration.seconds(30),
            }),
            viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
            allowedMethods: AllowedMethods.ALLOW_ALL,
            cachePolicy: CachePolicy.CACHING_DISABLED,
            // Cookies, query strings and headers reach the function; Host does not (a function URL answers only to its own).
            originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            responseHeadersPolicy: this.headers,
            compress: true,
          };
      for (const pattern of deployed.spec.pathPatterns) {
        if (behaviors[pattern]) throw new Error(`Path pattern ${pattern} is claimed by two functions in functions/catalog.ts.`);
        behaviors[pattern] = behavior;
      }
    }
    return behaviors;
  }

  /**
   * Google's notifications: no origin access control (it needs x-amz-content-sha256 on a POST body,
   * which Google does not send), so CloudFront adds the origin secret instead and the receiver
   * refuses any request without it. HTTPS only (no redirect for a POST), uncached, and only the
   * notification headers reach the function: no cookies, no query string. CloudFront has no
   * POST-only setting (its choices are GET/HEAD, +OPTIONS, or all seven): the receiver answers
   * any other method with 405 before reading anything.
   */
  private pushReceiverBehavior({ url, originSecret, spec }: DeployedHttpFunction): BehaviorOptions {
    if (!originSecret) throw new Error(`${spec.name} receives Google's push notifications: it needs its origin secret.`);
    return {
      origin: new FunctionUrlOrigin(url, {
        readTimeout: Duration.seconds(30),
        // Resolved by CloudFormation at deploy: the value is in no template.
        customHeaders: { [ORIGIN_SECRET_HEADER]: originSecret.secretValue.unsafeUnwrap() },
      }),
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: new OriginRequestPolicy(this, 'PushNotificationHeaders', {
        comment: "Workspace Bridge: Google's push notification headers only",
        headerBehavior: OriginRequestHeaderBehavior.allowList(...NOTIFICATION_HEADERS),
        cookieBehavior: OriginRequestCookieBehavior.none(),
        queryStringBehavior: OriginRequestQueryStringBehavior.none(),
      }),
      responseHeadersPolicy: this.headers,
      compress: true,
    };
  }

  private createDistribution(config: InfraConfig, logs: Bucket, additionalBehaviors: Record<string, BehaviorOptions>): Distribution {
    const spaFallback = new CloudFrontFunction(this, 'SpaFallback', {
      code: FunctionCode.fromInline(SPA_FALLBACK_SOURCE),
      runtime: FunctionRuntime.JS_2_0,
      comment: 'Client-side routes get /index.html',
    });
    const distribution = new Distribution(this, 'Distribution', {
      comment: 'Workspace Bridge',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PRICE_CLASS[config.priceClass],
      ...(config.webAclArn ? { webAclId: config.webAclArn } : {}),
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
        responseHeadersPolicy: this.headers,
        functionAssociations: [{ function: spaFallback, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors,
    });
    acknowledgeDistributionFindings(distribution, config);
    return distribution;
  }
}

function acknowledgeDistributionFindings(distribution: Distribution, config: InfraConfig): void {
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions-CFR1',
    reason:
      'An intranet for a company whose staff may travel anywhere; access is decided by Google sign-in and the allowed domains, not by country.',
  });
  if (!config.webAclArn) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No webAclArn set: a WAF web ACL costs at least $5 a month even when idle; ' +
        'every dynamic path requires a signed session, a sign-in transaction or (push notifications) a channel token, ' +
        'function URLs accept only CloudFront-signed requests or (the push receiver) the origin secret, ' +
        'and the receiver runs under its own reserved concurrency.',
    });
  }
  if (!config.customDomain) {
    Validations.of(distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'Without a custom domain the distribution uses the *.cloudfront.net certificate, ' +
        'whose minimum TLS version CloudFront fixes; with customDomain set, TLS 1.2 (TLSv1.2_2021) is enforced.',
    });
  }
}
