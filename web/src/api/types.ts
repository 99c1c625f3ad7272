/**
 * Shapes of the intranet's own API as the browser sees them: the server's own types (docs/openapi.json
 * describes the same), imported as types only, so nothing executable crosses into the bundle.
 */
import type { MeResponse } from '../../../shared/routes/me.js';
import type { Integration } from '../../../shared/config/config.js';
import type { DirectMember } from '../../../shared/routes/groups.js';
import type { Page } from '../../../shared/http/paging.js';
import type { MembershipGroup, Profile } from '../../../shared/routes/people.js';
import type { GroupSummary, PersonSummary } from '../../../shared/domain/people/directory-index.js';
import type { PendingDiff, RunRecord } from '../../../shared/adapters/dynamodb/sync-state-store.js';
import type { WebConfig } from '../../../shared/routes/config.js';

export type { DirectMember, Integration, MembershipGroup, Page, PendingDiff, Profile, WebConfig };

/** GET /api/me. */
export type Me = MeResponse;
export type Person = PersonSummary;
export type Group = GroupSummary;
/** GET /api/groups/{id}/members?transitive=true: every person through nesting. */
export type TransitiveMember = PersonSummary & { readonly direct: boolean };

/** One entry of GET /api/me/sessions → `{sessions: Session[]}`. */
export interface Session {
  readonly id: string;
  /** A short description of the browser and system ("Chrome on macOS"). */
  readonly device: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly current: boolean;
}

/** A sync run record; `totals` (users and groups after the run) once the run records carry them. */
export type SyncRun = RunRecord & { readonly totals?: { readonly users: number; readonly groups: number } };
