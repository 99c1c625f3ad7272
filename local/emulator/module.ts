/**
 * The emulator's module contract. Each Google API the emulator answers (OAuth/OIDC, Directory,
 * Gmail, Drive, Calendar, Google Identity Services, STS, IAM Credentials) is one EmulatorModule: a name and a function
 * from the shared context to its route table. State only that API keeps (inserted events, granted
 * GIS scopes, …) lives inside that function; the seeded tenant and the credentials every API
 * checks come from the context. Modules are registered in one list, modules.ts.
 *
 * This file imports types only and nothing imports it back from here, so modules never depend on
 * emulator.ts (which starts them) and the import graph stays acyclic.
 */
import type { DirectoryStore } from './directory/store.js';
import type { EmulatorRequest, EmulatorRoute } from './http.js';
import type { OidcAccounts } from './oauth/accounts.js';
import type { OAuthClients } from './oauth/clients.js';
import type { SigningKeys } from './oauth/keys.js';
import type { PushHub } from './push/hub.js';
import type { DelegationGrants, ServiceAccount } from './oauth/service-account.js';
import type { Grant, TokenRegistry } from './oauth/tokens.js';
import type { PersonalDataset } from './seed/personal.js';
import type { WorkloadIdentityPool } from './sts/workload-identity-pool.js';

/** What a module gets to build its routes: the seeded tenant, the issued credentials, the clock. */
export interface EmulatorContext {
  readonly origin: string;
  readonly directory: DirectoryStore;
  readonly personal: PersonalDataset;
  readonly tokens: TokenRegistry;
  /** Registered OAuth clients (client ids, secrets, redirect URIs, JavaScript origins). */
  readonly clients: OAuthClients;
  /** The accounts that can sign in. */
  readonly accounts: OidcAccounts;
  /** The ID-token signing keys (rotated through the Emulator object). */
  readonly keys: SigningKeys;
  /** The tenant's service account and the scopes domain-wide delegation grants each client id. */
  readonly serviceAccount: ServiceAccount;
  readonly delegation: DelegationGrants;
  /** The Workload Identity provider STS applies and the signJwt bindings IAM Credentials checks (tests reconfigure it). */
  readonly workloadIdentity: WorkloadIdentityPool;
  /** Notification channels (users.watch, activities.watch): Directory writes announce changes through them. */
  readonly push: PushHub;
  /** Bearer-token check with Google's 401/403 answers; returns the token's grant. */
  authorize(request: EmulatorRequest, acceptedScopes: readonly string[]): Grant;
  readonly now: () => number;
}

export interface EmulatorModule {
  /** The API's name as in its method ids (`directory` for `directory.users.list`). */
  readonly name: string;
  routes(context: EmulatorContext): readonly EmulatorRoute[];
}
