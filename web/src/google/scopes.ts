/**
 * The scope ledger: every Google scope the web client can ask for, why, and when. Settings shows
 * it to the user as is, and docs/web-client.md's table is this list. Scopes are asked incrementally: a
 * feature names the one narrowest scope it needs and asks for it on first use.
 */
import type { Integration } from '../api/types.js';

const AUTH = 'https://www.googleapis.com/auth/';

export const SCOPES = {
  gmailMetadata: `${AUTH}gmail.metadata`,
  driveReadonly: `${AUTH}drive.readonly`,
  drive: `${AUTH}drive`,
  calendarReadonly: `${AUTH}calendar.readonly`,
  calendarEvents: `${AUTH}calendar.events`,
} as const;

export type Scope = (typeof SCOPES)[keyof typeof SCOPES];

/**
 * The scope of a token asked for only to revoke ("Disconnect Google" with no token in the tab):
 * `email`, which the intranet's own sign-in (the same OAuth client, `openid email profile`) was
 * granted already, so taking access away never asks for a data scope. Google's revoke ends every
 * grant of the app, whatever the token carries.
 */
export const REVOKE_SCOPE = 'email';

/** Something the user does that needs Google's permission. */
export type Feature = 'mail.read' | 'drive.read' | 'drive.share' | 'calendar.read' | 'calendar.write';

export interface LedgerEntry {
  readonly scope: Scope;
  readonly feature: Feature;
  readonly integration: Integration;
  /** Short name shown beside the scope. */
  readonly label: string;
  /** Plain-language reason, shown in Settings and on every "permission needed" prompt. */
  readonly reason: string;
  /** When the client asks for it. */
  readonly askedWhen: string;
}

export const LEDGER: readonly LedgerEntry[] = [
  {
    scope: SCOPES.gmailMetadata,
    feature: 'mail.read',
    integration: 'gmail',
    label: 'Gmail: message headers',
    reason:
      'Shows your unread count and the sender, subject and date of your latest unread messages. It cannot read message bodies or ' +
      'attachments, and cannot send or delete mail.',
    askedWhen: 'When you turn on Mail',
  },
  {
    scope: SCOPES.driveReadonly,
    feature: 'drive.read',
    integration: 'drive',
    label: 'Drive: view files',
    reason: 'Lists your recent Drive files and searches them by name. Read-only: it cannot change, delete or share anything.',
    askedWhen: 'When you turn on Drive',
  },
  {
    scope: SCOPES.drive,
    feature: 'drive.share',
    integration: 'drive',
    label: 'Drive: manage sharing',
    reason: 'Shares a folder you pick with a Google group. Asked only at the moment you share; the intranet never uses it otherwise.',
    askedWhen: 'When you share a folder with a group',
  },
  {
    scope: SCOPES.calendarReadonly,
    feature: 'calendar.read',
    integration: 'calendar',
    label: 'Calendar: view events',
    reason:
      "Shows today's and upcoming events with their meeting links, and on a colleague's profile whether they are free now. Read-only.",
    askedWhen: 'When you turn on Calendar',
  },
  {
    scope: SCOPES.calendarEvents,
    feature: 'calendar.write',
    integration: 'calendar',
    label: 'Calendar: create events',
    reason: 'Creates the event you fill in with "New event" (with a Meet link). Asked only when you create one.',
    askedWhen: 'When you create an event',
  },
];

export function entryFor(feature: Feature): LedgerEntry {
  const entry = LEDGER.find((e) => e.feature === feature);
  if (!entry) throw new Error(`No scope for feature ${feature}`);
  return entry;
}

/** The feature an integration's widget needs to show anything. */
export const READ_FEATURE: Readonly<Record<Integration, Feature>> = {
  gmail: 'mail.read',
  drive: 'drive.read',
  calendar: 'calendar.read',
};

/**
 * Broader scopes that also allow a narrower scope's calls (as Google checks them): a token with
 * `drive` can list files, one with `calendar.events` can list events.
 */
const ALSO_SATISFIED_BY: Readonly<Partial<Record<Scope, readonly string[]>>> = {
  [SCOPES.driveReadonly]: [SCOPES.drive],
  [SCOPES.calendarReadonly]: [SCOPES.calendarEvents, `${AUTH}calendar`],
  [SCOPES.calendarEvents]: [`${AUTH}calendar`],
  [SCOPES.gmailMetadata]: [],
};

export function allows(granted: ReadonlySet<string>, feature: Feature): boolean {
  const { scope } = entryFor(feature);
  return granted.has(scope) || (ALSO_SATISFIED_BY[scope] ?? []).some((s) => granted.has(s));
}
