/**
 * The local stand-ins for AWS identities: fixed session credentials the emulator's Workload
 * Identity provider knows (it verifies their SigV4 signatures), and the role ARN each stands for.
 * `npm start` in keyless mode signs as the sync role; tests sign as the others.
 */
export const LOCAL_AWS_ACCOUNT = '000000000000';

export interface LocalAwsIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** What GetCallerIdentity answers for these credentials: an assumed-role session ARN, as Lambda's. */
  readonly arn: string;
}

function assumedRole(role: string, accessKeyId: string): LocalAwsIdentity {
  return {
    accessKeyId,
    secretAccessKey: `local-secret-of-${role}`,
    sessionToken: `local-session-of-${role}`,
    arn: `arn:aws:sts::${LOCAL_AWS_ACCOUNT}:assumed-role/${role}/${role}`,
  };
}

export const LOCAL_AWS_IDENTITIES = {
  /** The sync function's execution role: the provider's attribute condition admits it. */
  syncRole: assumedRole('workspace-bridge-sync', 'ASIALOCALSYNCROLE001'),
  /** Another function's role of the same account: federated only if a test widens the condition. */
  apiRole: assumedRole('workspace-bridge-api', 'ASIALOCALAPIROLE0001'),
} as const;

/** `attribute.aws_role` as Google's default AWS mapping derives it: the assumed-role ARN without the session name. */
export function awsRoleOf(arn: string): string {
  const match = /^(arn:aws:sts::\d{12}:assumed-role\/[^/]+)\/[^/]+$/.exec(arn);
  return match ? match[1]! : arn;
}
