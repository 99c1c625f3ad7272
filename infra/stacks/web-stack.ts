import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { IN_PLACE } from '../constructs/in-place.js';
import { Site, type SiteProps } from '../constructs/site.js';

export type WebStackProps = StackProps & SiteProps;

/** The site (constructs/site.ts) and the outputs an admin needs to finish setup. */
export class WebStack extends Stack {
  readonly site: Site;
  readonly distribution: Site['distribution'];
  readonly bucket: Site['bucket'];

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    this.site = new Site(this, IN_PLACE, props);
    this.distribution = this.site.distribution;
    this.bucket = this.site.bucket;
    const { customDomain } = props.config;
    new CfnOutput(this, 'AppOrigin', {
      value: customDomain ? `https://${customDomain.domainName}` : `https://${this.distribution.distributionDomainName}`,
      description:
        'Public origin: appOrigin in cdk.json, the JavaScript origin of the OAuth client; redirect URI is this plus /auth/callback',
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: 'Point the custom domain (CNAME or alias) here',
    });
  }
}
