/**
 * The emulated Google Cloud project's Workload Identity Federation set-up: one AWS provider
 * (its full resource name is the STS audience), the AWS credentials it can verify, the attribute
 * mapping of Google's AWS provider (google.subject=assertion.arn, attribute.aws_role=the
 * assumed-role ARN without session), its attribute condition (the admitted roles), the federated
 * tokens STS issued, and who holds roles/iam.serviceAccountTokenCreator on the service account.
 * Tests change it to simulate a misconfigured project.
 */
import { LOCAL_DEFAULTS } from '../../../shared/config/config.js';
import { LOCAL_AWS_IDENTITIES, awsRoleOf, type LocalAwsIdentity } from './local-aws.js';

export interface FederatedPrincipal {
  /** google.subject: the caller's ARN. */
  readonly subject: string;
  /** attribute.aws_role. */
  readonly awsRole: string;
  readonly expiresAt: number;
}

export interface WorkloadIdentitySetup {
  /** `projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`. */
  readonly provider: string;
  readonly identities: readonly LocalAwsIdentity[];
  /** The attribute condition: `attribute.aws_role` must be one of these. */
  readonly admittedRoles: readonly string[];
  /** `attribute.aws_role` values bound to roles/iam.serviceAccountTokenCreator on the service account. */
  readonly tokenCreatorRoles: readonly string[];
  /** Whether the IAM Service Account Credentials API is enabled in the project. */
  readonly iamCredentialsEnabled: boolean;
}

export function defaultWorkloadIdentitySetup(): WorkloadIdentitySetup {
  const syncRole = awsRoleOf(LOCAL_AWS_IDENTITIES.syncRole.arn);
  return {
    provider: LOCAL_DEFAULTS.workloadIdentityProvider,
    identities: Object.values(LOCAL_AWS_IDENTITIES),
    admittedRoles: [syncRole],
    tokenCreatorRoles: [syncRole],
    iamCredentialsEnabled: true,
  };
}

export class WorkloadIdentityPool {
  private setup: WorkloadIdentitySetup;
  private readonly federated = new Map<string, FederatedPrincipal>();

  constructor(
    setup: Partial<WorkloadIdentitySetup>,
    private readonly now: () => number,
  ) {
    this.setup = { ...defaultWorkloadIdentitySetup(), ...setup };
  }

  get settings(): WorkloadIdentitySetup {
    return this.setup;
  }

  /** Changes the project's set-up (provider, condition, bindings, API enablement). */
  configure(changes: Partial<WorkloadIdentitySetup>): void {
    this.setup = { ...this.setup, ...changes };
  }

  /** The STS audience: the provider's full resource name with the IAM host. */
  get audience(): string {
    return `//iam.googleapis.com/${this.setup.provider}`;
  }

  identity(accessKeyId: string): LocalAwsIdentity | undefined {
    return this.setup.identities.find((i) => i.accessKeyId === accessKeyId);
  }

  admits(awsRole: string): boolean {
    return this.setup.admittedRoles.includes(awsRole);
  }

  remember(token: string, principal: FederatedPrincipal): void {
    this.federated.set(token, principal);
  }

  /** The principal behind a live federated token. */
  principal(token: string): FederatedPrincipal | undefined {
    const principal = this.federated.get(token);
    return principal && principal.expiresAt > this.now() ? principal : undefined;
  }

  mayImpersonate(principal: FederatedPrincipal): boolean {
    return this.setup.tokenCreatorRoles.includes(principal.awsRole);
  }
}
