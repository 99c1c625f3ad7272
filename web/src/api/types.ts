/**
 * Shapes of the intranet's own API as the browser sees them. Types only are shared with the
 * server (nothing executable crosses into the bundle). /api/people, /api/groups and /api/admin are
 * built by their own issue; these are their documented shapes, read tolerantly.
 */
import type { Integration } from '../../../shared/config/config.js';
import type { WebConfig } from '../../../shared/web-config/web-config.js';

export type { Integration, WebConfig };

/** GET /api/me (the sign-in issue's MeResponse). */
export interface Me {
  readonly user: Person;
  readonly isAdmin: boolean;
  /** The tenant's integrations (ENABLED_INTEGRATIONS). */
  readonly integrations: readonly Integration[];
  readonly session: { readonly id: string; readonly expiresAt: string };
}

/** One entry of GET /api/me/sessions → `{sessions: Session[]}`. */
export interface Session {
  readonly id: string;
  /** A short description of the browser and system, from the User-Agent at sign-in. */
  readonly device: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly current: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | null;
}

export interface Person {
  readonly id: string;
  readonly primaryEmail: string;
  readonly name: { readonly fullName: string; readonly givenName?: string; readonly familyName?: string };
  readonly photoUrl?: string;
  readonly title?: string;
  readonly department?: string;
  readonly orgUnitPath?: string;
  readonly managerEmail?: string;
  readonly phones?: ReadonlyArray<{ readonly type?: string; readonly value: string }>;
  readonly locations?: ReadonlyArray<{ readonly area?: string; readonly buildingId?: string; readonly floorName?: string; readonly deskCode?: string }>;
}

export interface Group {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly description?: string;
  readonly directMembersCount?: number;
}

export interface Member {
  readonly id: string;
  readonly type: 'USER' | 'GROUP' | 'CUSTOMER';
  readonly email?: string;
  readonly name?: string;
  readonly role?: string;
}

/** A sync run record (the sync issue's RunRecord), plus the directory's size after it for the chart. */
export interface SyncRun {
  readonly runId: string;
  readonly status: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly forced?: boolean;
  /** fetched, created, updated, unchanged, deleted. */
  readonly counts?: Readonly<Record<string, number>>;
  /** Active users and groups after the run. */
  readonly totals?: { readonly users: number; readonly groups: number };
  readonly errors?: ReadonlyArray<{ readonly code?: string; readonly message: string }>;
}

/** A run the mass-deletion guard refused, waiting for an admin (the sync issue's PendingDiff). */
export interface PendingDiff {
  readonly runId: string;
  readonly refusedAt: string;
  readonly reason: string;
  readonly counts?: Readonly<Record<string, number>>;
  readonly deletedUsers?: ReadonlyArray<{ readonly id: string; readonly email: string }>;
  readonly deletedGroups?: ReadonlyArray<{ readonly id: string; readonly email: string }>;
  readonly truncated?: boolean;
}
