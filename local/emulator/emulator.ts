/**
 * startEmulator: the Google Workspace emulator in-process — OpenID provider (discovery, JWKS,
 * authorization endpoint with account chooser, token endpoint, userinfo, revoke), domain-wide
 * delegation for the service account, Admin SDK Directory API — on its own origin, seeded
 * deterministically. `npm run emulator` (main.ts), `npm start` and the tests all start it here.
 *
 * Each Google API is a module (module.ts) registered in modules.ts; this file seeds the tenant,
 * builds the context the modules share, and serves their routes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_BIND_ADDRESS, listenLocal } from '../bind-address.js';
import { adminRoutes } from './admin.js';
import { DIRECTORY_READONLY_SCOPES } from './directory/scopes.js';
import { DirectoryStore } from './directory/store.js';
import { RouteTable } from './http.js';
import { PushHub, type PushSettings } from './push/hub.js';
import { REPORTS_AUDIT_SCOPE } from './push/routes.js';
import { LimitsGate, type Limits } from './limits.js';
import type { EmulatorContext, EmulatorModule } from './module.js';
import { EMULATOR_MODULES } from './modules.js';
import { OidcAccounts } from './oauth/accounts.js';
import { authorize } from './oauth/api-auth.js';
import { DEFAULT_CLIENT, OAuthClients, type OAuthClient } from './oauth/clients.js';
import { SigningKeys } from './oauth/keys.js';
import { DelegationGrants, provisionServiceAccount, serviceAccountKeyPath, type ServiceAccountKey } from './oauth/service-account.js';
import { signInAs } from './oauth/sign-in.js';
import { TokenRegistry } from './oauth/tokens.js';
import { localPhotoUrl } from './photos/module.js';
import { DEMO_SEED, generateDirectory } from './seed/directory.js';
import { PersonalDataset } from './seed/personal.js';
import { Random } from './seed/random.js';
import { createEmulatorServer } from './server.js';
import { WorkloadIdentityPool, type WorkloadIdentitySetup } from './sts/workload-identity-pool.js';

export type { EmulatorContext, EmulatorModule } from './module.js';

export const DEFAULT_EMULATOR_PORT = 4000;

export interface EmulatorOptions {
  /** Default 4000; 0 picks a free port. */
  readonly port?: number;
  /** Address to listen on; default loopback (127.0.0.1, see local/bind-address.ts). */
  readonly host?: string;
  readonly seed?: string;
  readonly users?: number;
  readonly groups?: number;
  /** Where `google/service-account.json` is written; default `.local`. */
  readonly stateDirectory?: string;
  /** Default: the intranet's local client (LOCAL_DEFAULTS) with http://localhost:3000/auth/callback. */
  readonly clients?: readonly OAuthClient[];
  /** Scopes domain-wide delegation grants the service account; default the Directory read-only scopes and the Reports audit scope (push). */
  readonly delegatedScopes?: readonly string[];
  /** API modules beyond the registered ones (modules.ts), e.g. a test's own. */
  readonly modules?: readonly EmulatorModule[];
  /** Latency, quotas and error rate (default: none); changeable with setLimits or PUT /__emulator/limits. */
  readonly limits?: Partial<Limits>;
  /** Clock for token lifetimes and quota windows; default Date.now. */
  readonly now?: () => number;
  /** Default true. False for keyless runs: the service account has no downloaded key, so no key file is written. */
  readonly writeServiceAccountKey?: boolean;
  /** The Workload Identity provider, the AWS credentials it knows, its condition and the signJwt bindings (default: the local sync role only). */
  readonly workloadIdentity?: Partial<WorkloadIdentitySetup>;
  /** Push notification channels: lifetimes, audit lag, faults (default DEFAULT_PUSH_SETTINGS). */
  readonly push?: Partial<PushSettings>;
}

export interface Emulator {
  readonly origin: string;
  /** The OpenID issuer: the origin, no trailing slash. */
  readonly issuer: string;
  readonly port: number;
  readonly serviceAccountKeyPath: string;
  /** False in keyless runs: no key file exists at serviceAccountKeyPath. */
  readonly serviceAccountKeyWritten: boolean;
  readonly serviceAccountKey: ServiceAccountKey;
  /** Workload Identity Federation (STS) and signJwt's bindings; `configure` simulates a misconfigured project. */
  readonly workloadIdentity: WorkloadIdentityPool;
  /** The live tenant: seeded users, groups, members, domains, the admin; and mutators for tests. */
  readonly directory: DirectoryStore;
  readonly personal: PersonalDataset;
  /** The accounts that can sign in: live tenant users, a consumer account and an unverified-email account. */
  readonly accounts: OidcAccounts;
  readonly context: EmulatorContext;
  /** Notification channels (users.watch, activities.watch) and their delivery settings and faults. */
  readonly push: PushHub;
  /**
   * Completes the account chooser over HTTP for an authorization URL the app built, as a browser
   * would; returns the callback URL (code, state, scope, iss). For tests that sign in without a browser.
   */
  signInAs(authorizationUrl: string | URL, email: string): Promise<URL>;
  /** A new signing key signs from now on; the JWKS keeps the previous one. Returns the new kid. */
  rotateSigningKey(): Promise<string>;
  registerClient(client: OAuthClient): void;
  addRedirectUri(clientId: string, redirectUri: string): void;
  /** Changes the domain-wide delegation grant (default: for the emulator's service account). */
  setDelegatedScopes(scopes: readonly string[], clientId?: string): void;
  limits(): Limits;
  setLimits(changes: Partial<Limits>): Limits;
  /** Requests per Google method id (e.g. `directory.users.list`) since start or the last reset. */
  counters(): Record<string, number>;
  resetCounters(): void;
  /** Every token string ever issued (codes, access, refresh, ID tokens), for leak tests. */
  issuedTokens(): readonly string[];
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const seed = options.seed ?? DEMO_SEED.seed;
  const store = new DirectoryStore(
    generateDirectory({ seed, users: options.users ?? DEMO_SEED.users, groups: options.groups ?? DEMO_SEED.groups }),
  );
  const personal = new PersonalDataset(seed, () => store.users.filter((u) => !u.deletionTime));
  const tokens = new TokenRegistry(now);
  const routes = new RouteTable();
  const counters = new Map<string, number>();
  const clients = new OAuthClients(options.clients ?? [DEFAULT_CLIENT]);
  const delegation = new DelegationGrants();
  const accounts = new OidcAccounts(store, seed);
  const keys = await SigningKeys.create();

  let origin = '';
  const faults = new Random('faults', seed);
  const limits = new LimitsGate(options.limits ?? {}, tokens, now, () => faults.next());
  const server: Server = createEmulatorServer({ origin: () => origin, routes, counters, gate: limits.gate });
  await listenLocal(server, options.port ?? DEFAULT_EMULATOR_PORT, 'GOOGLE_EMULATOR_PORT', options.host ?? DEFAULT_BIND_ADDRESS);
  const port = (server.address() as AddressInfo).port;
  origin = `http://localhost:${port}`;
  // Google's photo host is out of reach locally: the photos module serves the same paths here.
  for (const user of store.users) if (user.thumbnailPhotoUrl) user.thumbnailPhotoUrl = localPhotoUrl(user.thumbnailPhotoUrl, origin);

  const stateDirectory = options.stateDirectory ?? '.local';
  const writeKey = options.writeServiceAccountKey ?? true;
  const serviceAccount = await provisionServiceAccount(stateDirectory, origin, { writeKey }).catch(async (error: unknown) => {
    await new Promise((ok) => server.close(ok));
    throw error;
  });
  const saClientId = serviceAccount.key.client_id;
  delegation.set(saClientId, options.delegatedScopes ?? [...DIRECTORY_READONLY_SCOPES, REPORTS_AUDIT_SCOPE]);

  const workloadIdentity = new WorkloadIdentityPool(options.workloadIdentity ?? {}, now);
  const push = new PushHub(options.push ?? {}, now, () => faults.next());
  const context: EmulatorContext = {
    origin,
    directory: store,
    personal,
    tokens,
    clients,
    accounts,
    keys,
    serviceAccount,
    delegation,
    workloadIdentity,
    push,
    now,
    authorize: (request, scopes) => authorize(request, tokens, scopes),
  };
  for (const module of [...EMULATOR_MODULES, ...(options.modules ?? [])]) routes.add(module.routes(context));
  /** What both the Emulator object and the /__emulator admin API offer. */
  const controls = {
    limits: () => limits.limits,
    setLimits: (changes: Partial<Limits>) => limits.set(changes),
    counters: () => Object.fromEntries(counters),
    resetCounters: () => counters.clear(),
    rotateSigningKey: () => keys.rotate(),
    issuedTokens: () => tokens.issued(),
  };
  routes.add(
    adminRoutes({
      ...controls,
      delegatedScopes: () => delegation.scopes(saClientId),
      setDelegatedScopes: (scopes) => delegation.set(saClientId, scopes),
    }),
  );

  return {
    origin,
    issuer: origin,
    port,
    serviceAccountKeyPath: serviceAccountKeyPath(stateDirectory),
    serviceAccountKeyWritten: writeKey,
    serviceAccountKey: serviceAccount.key,
    workloadIdentity,
    directory: store,
    personal,
    accounts,
    context,
    push,
    signInAs,
    ...controls,
    registerClient: (client) => clients.register(client),
    addRedirectUri: (clientId, uri) => clients.addRedirectUri(clientId, uri),
    setDelegatedScopes: (scopes, clientId = saClientId) => delegation.set(clientId, scopes),
    stop: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
