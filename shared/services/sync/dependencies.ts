import type { SyncConfig } from '../../config/config.js';
import type { Dependencies } from '../../runtime/dependencies.js';

/**
 * What sync needs of the process dependencies: the Lambda's and `npm run sync`'s (sync keys only, see loadSyncConfig).
 * Its own module so that setup (which wires a run) and preflight (which setup calls to explain a refused token) both name it
 * without importing each other.
 */
export type SyncDependencies = Pick<Dependencies, 'db' | 'secrets' | 'awsCredentials'> & { readonly config: SyncConfig };
