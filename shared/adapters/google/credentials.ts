import type { DelegatedTokenSource } from './delegated-token.js';
import { keyTokenSource, parseServiceAccountKey } from './service-account-client.js';
import { awsCredentialsFromEnvironment, workloadIdentityTokenSource } from './workload-identity.js';
import type { SyncConfig } from '../../config/config.js';
import type { Dependencies } from '../../runtime/dependencies.js';

/**
 * The sync's delegated-token source for the configured credential mode: the key from the secret
 * store (read and checked here, so a missing or malformed key fails setup), or the keyless chain
 * on the function's AWS identity (no I/O until the first token).
 */
export async function syncTokenSource(
  deps: Pick<Dependencies, 'secrets' | 'awsCredentials'> & {
    readonly config: Pick<SyncConfig, 'googleCredentials' | 'googleAdminSubject'>;
  },
): Promise<DelegatedTokenSource> {
  const { googleCredentials: credentials, googleAdminSubject: subject } = deps.config;
  if (credentials.mode === 'workload-identity') {
    return workloadIdentityTokenSource({
      settings: credentials,
      subject,
      awsCredentials: deps.awsCredentials ?? awsCredentialsFromEnvironment(),
    });
  }
  return keyTokenSource(parseServiceAccountKey(await deps.secrets.get(credentials.secretName)), subject);
}
