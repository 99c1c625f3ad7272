/**
 * The wire contract of /api: every request and response shape the browser sends or reads, and the
 * list of endpoints. It imports nothing, so the web client can take it without pulling server code
 * into its bundle; the server's own types are these (its modules import them from here), and a test
 * holds docs/openapi.json to the endpoints and schema names below.
 */

/** The Google integrations a tenant can turn on. */
export const INTEGRATIONS = ['gmail', 'drive', 'calendar'] as const;
export type Integration = (typeof INTEGRATIONS)[number];

/** Every endpoint of /api, as `METHOD path` with `{name}` path parameters. */
export const API_ENDPOINTS = [
  'GET /api/health',
  'GET /api/config',
  'GET /api/me',
  'GET /api/me/sessions',
  'DELETE /api/me/sessions/{id}',
  'GET /api/people',
  'GET /api/people/{id}',
  'GET /api/people/{id}/groups',
  'GET /api/people/{id}/reports',
  'GET /api/groups',
  'GET /api/groups/{id}',
  'GET /api/groups/{id}/members',
  'POST /api/access/check',
  'GET /api/admin/sync/runs',
  'POST /api/admin/sync/run',
  'GET /api/admin/sync/pending',
  'GET /api/admin/sync/progress',
  'POST /api/admin/users/{id}/sessions/revoke',
  'POST /api/admin/sessions/revoke-all',
  'GET /api/admin/push',
] as const;
export type ApiEndpoint = (typeof API_ENDPOINTS)[number];

/** Every 4xx/5xx answer: `{error: {code, message}}`, with the request id on a 500. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId?: string };
}

/** GET /api/health. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly version: string;
  readonly dynamodb: 'ok' | 'unreachable';
}

/** GET /api/config: the web client's runtime configuration (public). */
export interface WebConfig {
  /** The OAuth client id the Google Identity Services token client asks tokens for. */
  readonly clientId: string;
  /** Google Identity Services' script (the emulator's drop-in locally). */
  readonly gsiScriptUrl: string;
  /** Base URLs (with the version path and a trailing slash) of the APIs the browser calls. */
  readonly googleApis: { readonly gmail: string; readonly drive: string; readonly calendar: string };
  /** Integrations the tenant turned on; each user then turns on the ones they want. */
  readonly enabledIntegrations: readonly Integration[];
}

/** A user's directory record as the browser sees their own (GET /api/me): the stored record without the etag and Workspace admin flag. */
export interface UserRecord {
  /** Directory user id: the same value as the ID token's `sub`. */
  readonly id: string;
  readonly primaryEmail: string;
  readonly aliases: readonly string[];
  readonly name: { readonly fullName: string; readonly givenName: string; readonly familyName: string };
  readonly photoUrl?: string;
  readonly title?: string;
  readonly department?: string;
  readonly orgUnitPath?: string;
  readonly locations: readonly {
    readonly type?: string;
    readonly area?: string;
    readonly buildingId?: string;
    readonly floorName?: string;
    readonly deskCode?: string;
  }[];
  readonly phones: readonly { readonly type?: string; readonly value: string }[];
  /** The manager's email, from `relations[type=manager]`. */
  readonly managerEmail?: string;
  readonly keywords: readonly string[];
  /** `customSchemas` as Google returns them: schema name → field name → value(s). */
  readonly customSchemas: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly suspended: boolean;
  readonly archived: boolean;
  /** `includeInGlobalAddressList`: false hides the user from people search. */
  readonly visibleInDirectory: boolean;
  /** Set when sync saw the user disappear (tombstone); the record is kept. */
  readonly deletedAt?: string;
}

/** GET /api/me: who is signed in, whether they are an intranet admin, which integrations are on. */
export interface MeResponse {
  readonly user: UserRecord;
  readonly isAdmin: boolean;
  readonly integrations: readonly Integration[];
  readonly session: { readonly id: string; readonly expiresAt: string };
}

/** One entry of GET /api/me/sessions → `{sessions: SessionInfo[]}`. */
export interface SessionInfo {
  readonly id: string;
  /** A short description of the browser and system ("Chrome on macOS"). */
  readonly device: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly current: boolean;
}

/** What every list answers: `nextCursor` only when there is a next page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** A person as lists show them (GET /api/people). */
export interface PersonSummary {
  readonly id: string;
  readonly primaryEmail: string;
  readonly name: { readonly fullName: string; readonly givenName: string; readonly familyName: string };
  readonly title?: string;
  readonly department?: string;
  readonly photoUrl?: string;
  /** The first location's area (the city, for most tenants). */
  readonly location?: string;
}

/** One value of a facet and how many people of the current result have it. */
export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

/** Counts per value for the current result, the most common first (at most 50 values each). */
export interface PeopleFacets {
  readonly department: readonly FacetCount[];
  readonly location: readonly FacetCount[];
  readonly title: readonly FacetCount[];
}

/**
 * Why a search result matched, when not by name: the field and its value ("matched manager: Ada
 * Lovelace"). For an alias, phone, keyword, place or custom field the value is the matched word.
 */
export interface MatchReason {
  readonly field: 'email' | 'alias' | 'title' | 'department' | 'manager' | 'location' | 'phone' | 'keyword' | 'custom';
  readonly value: string;
}

/** A person in search results: with why they matched, when words were given and the name did not match them all. */
export type PersonMatch = PersonSummary & { readonly matched?: MatchReason };

/** GET /api/people: a page of people, how many match in all, and the facets of the whole result (not only the page). */
export interface PeopleSearchPage extends Page<PersonMatch> {
  readonly total: number;
  readonly facets: PeopleFacets;
}

/** The OpenAPI document's name for a person in a list. */
export type Person = PersonSummary;

/** A group as lists show it (GET /api/groups). */
export interface GroupSummary {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly description: string;
  readonly directMembersCount: number;
}

/** The OpenAPI document's name for a group in a list. */
export type Group = GroupSummary;

/** A group of a person's memberships (GET /api/people/{id}/groups). */
export type MembershipGroup = GroupSummary & { readonly direct: boolean };

/** A person named in a manager chain. */
export interface PersonRef {
  readonly id: string;
  readonly name: string;
}

/**
 * A person's managers, nearest first. `end` says why the chain stops: `top` (the last one has no
 * manager), `manager-not-listed` (the last one's manager is not in the directory: left, hidden, or
 * mistyped in Google), `cycle` (the next manager is already in the chain: Google's data loops).
 */
export interface ManagerChain {
  readonly people: readonly PersonRef[];
  readonly end: 'top' | 'manager-not-listed' | 'cycle';
}

/** A person in the org chart (GET /api/people/{id}/reports): with the number of their own direct reports. */
export type OrgPerson = PersonSummary & { readonly reportCount: number };

/** GET /api/people/{id}. */
export interface Profile extends PersonSummary {
  readonly aliases: readonly string[];
  readonly phones: UserRecord['phones'];
  readonly locations: UserRecord['locations'];
  readonly keywords: readonly string[];
  /** Custom schema fields every user of the domain may read. */
  readonly customFields: readonly { readonly schema: string; readonly field: string; readonly label: string; readonly value: unknown }[];
  readonly manager: PersonSummary | null;
  readonly managerChain: ManagerChain;
  /** Every direct report; GET /api/people/{id}/reports pages them. */
  readonly directReports: readonly PersonSummary[];
  readonly reportCount: number;
  /** Every group the person is in, directly or through nested groups, by name. */
  readonly groups: readonly MembershipGroup[];
}

/** A member's role in a group, as Google names it. */
export type MemberRole = 'OWNER' | 'MANAGER' | 'MEMBER';

/** A direct member (GET /api/groups/{id}/members): a listed person, a nested group, the whole tenant, or an address outside the directory. */
export type DirectMember =
  | ({ readonly kind: 'USER'; readonly role: MemberRole } & PersonSummary)
  | ({ readonly kind: 'GROUP'; readonly role: MemberRole } & GroupSummary)
  | { readonly kind: 'CUSTOMER'; readonly role: MemberRole }
  | { readonly kind: 'EXTERNAL'; readonly role: MemberRole; readonly email: string };

/** GET /api/groups/{id}/members?transitive=true: every person through nesting. */
export type TransitiveMember = PersonSummary & { readonly direct: boolean };

/** POST /api/access/check. */
export interface AccessCheckRequest {
  readonly userId: string;
  /** Group ids, or CUSTOMER for the whole tenant. */
  readonly groupIds: readonly string[];
}

/** POST /api/access/check's answer. */
export interface AccessCheck {
  readonly userId: string;
  /** The asked groups that grant access, in the order asked. */
  readonly granted: string[];
  readonly results: { readonly groupId: string; readonly granted: boolean }[];
}

/** What a sync run did to users and groups. */
export interface SyncCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export type RunStatus = 'succeeded' | 'failed' | 'refused' | 'dry-run';

/** A directory sync run (GET /api/admin/sync/runs). */
export interface RunRecord {
  readonly runId: string;
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly durationMs: number;
  readonly forced: boolean;
  readonly counts: SyncCounts;
  readonly memberships: { readonly groupsChanged: number; readonly added: number; readonly removed: number };
  readonly apiCalls: number;
  readonly retries: number;
  /** Directory items written (users, groups, memberships, domains); bookkeeping not included. */
  readonly itemWrites: number;
  readonly invocations: number;
  /** Every invocation's errors, oldest first: a run that succeeded on resume still shows why an invocation failed. */
  readonly errors: readonly { readonly code: string; readonly message: string }[];
}

/** A sync run record, as the admin page lists it. */
export type SyncRun = RunRecord;

export interface DeletionSample {
  readonly id: string;
  readonly email: string;
}

/** The kinds of change a held run would make, in the order an admin reviews them. */
export type HeldChangeKind = 'users-deleted' | 'groups-deleted' | 'users-suspended' | 'groups-changed' | 'memberships-changed';

/** One kind of change in a held diff: how many, and the users or groups it touches (at most the first 200). */
export interface HeldChange {
  readonly kind: HeldChangeKind;
  readonly count: number;
  readonly samples: readonly DeletionSample[];
}

/** A refused run's diff, kept for an admin to review before forcing (GET /api/admin/sync/pending → `{pending: PendingDiff | null}`). */
export interface PendingDiff {
  readonly runId: string;
  readonly refusedAt: string;
  readonly reason: string;
  readonly counts: SyncCounts;
  readonly deletedUsers: readonly DeletionSample[];
  readonly deletedGroups: readonly DeletionSample[];
  /** True when more deletions exist than the samples listed (the item stays under DynamoDB's size limit). */
  readonly truncated: boolean;
  /** Every kind of change with its count and samples; absent from diffs held before kinds were recorded. */
  readonly kinds?: readonly HeldChange[];
}

/**
 * The directory sync running now, from its checkpoint (GET /api/admin/sync/progress →
 * `{progress: SyncProgress | null}`; null when no run is in progress).
 */
export interface SyncProgress {
  readonly runId: string;
  readonly startedAt: string;
  readonly force: boolean;
  /** Fetching pages from Google, then applying the approved plan to the table. */
  readonly phase: 'fetching' | 'applying';
  /** Pages of the directory fetched and staged so far. */
  readonly stagedChunks: number;
  readonly apiCalls: number;
  readonly retries: number;
  readonly itemWrites: number;
  readonly invocations: number;
  /** The approved plan's counts, once the run applies it. */
  readonly counts?: SyncCounts;
}

/** POST /api/admin/sync/run: how the sync was started. */
export interface SyncRunStarted {
  readonly started: 'invoked' | 'started-in-process';
  readonly force: boolean;
}

/** POST /api/admin/users/{id}/sessions/revoke. */
export interface SessionsRevoked {
  readonly userId: string;
  readonly revoked: number;
}

/** POST /api/admin/sessions/revoke-all: every session of every user ended (the caller's too), audit-logged. */
export interface EveryoneSignedOut {
  readonly revoked: number;
}

/** A push-notification feed: Directory users.watch, or the Reports activities of one application. */
export interface FeedHealth {
  readonly feed: 'users' | 'admin' | 'groups_enterprise';
  /** A channel that is active and not expired. */
  readonly live: boolean;
  readonly channelId?: string;
  readonly expiresAt?: string;
  readonly lastMessageAt?: string;
}

export interface PushHealth {
  readonly healthy: boolean;
  readonly feeds: readonly FeedHealth[];
  /** Active channels whose expiry has passed: the manager did not renew them (alarmed in AWS). */
  readonly channelsPastExpiry: number;
  readonly appliedLastHour: number;
  readonly appliedLastDay: number;
  readonly lagP50Ms?: number;
  readonly lagP95Ms?: number;
  readonly fullSync: {
    readonly schedule: 'daily' | 'hourly';
    readonly reason: string;
    /** The last scheduled (or forced) full run that succeeded. */
    readonly lastSucceededAt?: string;
    /** The last full run that succeeded while every feed had a live channel; absent when none did (in the last 50 runs). */
    readonly lastReconciliation?: Reconciliation;
  };
}

/**
 * A full sync that ran with push healthy: whatever it still had to change, notifications had missed
 * (lost, or not sent for that kind of change), so its counts are the gap reconciliation repaired.
 */
export interface Reconciliation {
  readonly runId: string;
  readonly startedAt: string;
  readonly endedAt: string;
  /** Users and groups the run created, updated or deleted. */
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly memberships: { readonly added: number; readonly removed: number };
}

/**
 * GET /api/admin/push: push-driven sync's health, and whether push is turned on here (PUSH_ENABLED);
 * with push off, `healthy` is false and the full sync's schedule is hourly.
 */
export interface PushStatus extends PushHealth {
  readonly enabled: boolean;
}
