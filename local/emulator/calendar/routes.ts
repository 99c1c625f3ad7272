/**
 * The Calendar API v3 methods the web client uses, as www.googleapis.com/calendar/v3 answers them:
 * events.list on a user's own calendar (timeMin/timeMax, singleEvents, orderBy, maxResults,
 * pageToken) and events.insert (calendar.events or calendar), which creates a Meet link when a
 * conference is requested with conferenceDataVersion=1. Inserted events are listed afterwards.
 * freebusy.query answers the busy intervals of any active colleague's primary calendar (Workspace
 * shares free/busy inside the domain by default), and Google's notFound for anyone else.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorContext, EmulatorModule } from '../module.js';
import { GoogleApiError, json, type EmulatorRequest, type EmulatorRoute } from '../http.js';
import { maxResults, page } from '../directory/paging.js';
import { callerFor, isSelf, jsonBody, rfc3339, type Caller } from '../personal/caller.js';
import type { CalendarEvent, Person } from '../seed/personal.js';

const AUTH = 'https://www.googleapis.com/auth/';
export const CALENDAR_SCOPES = {
  calendar: `${AUTH}calendar`,
  freebusy: `${AUTH}calendar.freebusy`,
  eventsFreebusy: `${AUTH}calendar.events.freebusy`,
  readonly: `${AUTH}calendar.readonly`,
  events: `${AUTH}calendar.events`,
  eventsReadonly: `${AUTH}calendar.events.readonly`,
} as const;

const FREEBUSY = Object.values(CALENDAR_SCOPES);
const READ = FREEBUSY.filter((scope) => scope !== CALENDAR_SCOPES.freebusy && scope !== CALENDAR_SCOPES.eventsFreebusy);
const WRITE = [CALENDAR_SCOPES.calendar, CALENDAR_SCOPES.events];
const BASE = '/calendar/v3/calendars/{calendarId}/events';

interface StoredEvent extends CalendarEvent {
  readonly created: number;
  /** The change that last touched it (0: seeded), for sync tokens. */
  readonly change: number;
  /** Set for events inserted through the API: the body's conference entry points. */
  readonly conference?: { readonly requestId: string; readonly meetCode: string };
  readonly allDay?: { readonly start: string; readonly end: string };
}

export function calendarRoutes(context: EmulatorContext): EmulatorRoute[] {
  const inserted = new Map<string, StoredEvent[]>();
  /** Every change (insert) gets the next number; a sync token is the number last seen, per user. */
  let changes = 0;
  const own = (caller: Caller, request: EmulatorRequest) => {
    const id = request.params.calendarId ?? '';
    if (id !== 'primary' && !isSelf(id, caller.user)) throw new GoogleApiError(404, 'notFound', 'Not Found');
  };
  const events = (caller: Pick<Caller, 'user' | 'data'>): StoredEvent[] => [
    ...caller.data.events.map((e) => ({ ...e, created: e.start - 7 * 86_400_000, change: 0 })),
    ...(inserted.get(caller.user.id) ?? []),
  ];

  return [
    {
      method: 'GET',
      path: BASE,
      name: 'calendar.events.list',
      handler: (request) => {
        const caller = callerFor(context, request, READ);
        own(caller, request);
        const { query } = request;
        const size = maxResults(query, 2500, 250);
        const timeMin = time(query.get('timeMin'), 'timeMin');
        const timeMax = time(query.get('timeMax'), 'timeMax');
        if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin)
          throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.');
        const orderBy = query.get('orderBy');
        const single = query.get('singleEvents') === 'true';
        const since = syncPoint(caller, query);
        if (orderBy !== null && orderBy !== 'startTime' && orderBy !== 'updated') throw new GoogleApiError(400, 'invalid', 'Invalid Value');
        if (orderBy === 'startTime' && !single)
          throw new GoogleApiError(400, 'badRequest', 'The requested ordering is not available for the particular query.');
        const matching = events(caller)
          .filter(
            (e) =>
              (timeMin === undefined || e.end > timeMin) &&
              (timeMax === undefined || e.start < timeMax) &&
              (since === undefined || e.change > since),
          )
          .sort(orderBy === 'updated' ? (a, b) => a.created - b.created : (a, b) => a.start - b.start);
        const result = page(matching, size, query.get('pageToken'), `calendar:${caller.user.id}:${timeMin}:${timeMax}:${orderBy}:${since}`);
        return json(200, {
          kind: 'calendar#events',
          etag: `"p3${caller.user.id.slice(0, 12)}"`,
          summary: caller.user.primaryEmail,
          updated: rfc3339(context.now()),
          timeZone: 'UTC',
          accessRole: 'owner',
          defaultReminders: [{ method: 'popup', minutes: 10 }],
          // The last page carries the token for the next incremental sync, as Google's does.
          ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : { nextSyncToken: syncToken(caller, changes) }),
          items: result.items.map((e) => eventResource(caller, e)),
        });
      },
    },
    {
      method: 'POST',
      path: '/calendar/v3/freeBusy',
      name: 'calendar.freebusy.query',
      handler: (request) => {
        callerFor(context, request, FREEBUSY);
        const body = jsonBody(request);
        const timeMin = time(typeof body.timeMin === 'string' ? body.timeMin : null, 'timeMin');
        const timeMax = time(typeof body.timeMax === 'string' ? body.timeMax : null, 'timeMax');
        if (timeMin === undefined || timeMax === undefined) throw new GoogleApiError(400, 'required', 'Missing timeMin or timeMax.');
        if (timeMax <= timeMin) throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.');
        const items = Array.isArray(body.items)
          ? body.items.map((i) => (i as { id?: unknown })?.id).filter((id): id is string => typeof id === 'string')
          : [];
        const calendars = Object.fromEntries(
          items.map((id) => {
            const user = context.directory.user(id);
            if (!user || user.deletionTime || user.suspended) return [id, { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] }];
            const busy = events({ user, data: context.personal.for(user) })
              .filter((e) => !e.allDay && e.end > timeMin && e.start < timeMax)
              .sort((a, b) => a.start - b.start)
              .map((e) => ({ start: rfc3339(Math.max(e.start, timeMin)), end: rfc3339(Math.min(e.end, timeMax)) }));
            return [id, { busy }];
          }),
        );
        return json(200, { kind: 'calendar#freeBusy', timeMin: rfc3339(timeMin), timeMax: rfc3339(timeMax), calendars });
      },
    },
    {
      method: 'POST',
      path: BASE,
      name: 'calendar.events.insert',
      handler: (request) => {
        const caller = callerFor(context, request, WRITE);
        own(caller, request);
        changes += 1;
        const event = {
          ...newEvent(caller, jsonBody(request), request.query.get('conferenceDataVersion') === '1', context.now()),
          change: changes,
        };
        inserted.set(caller.user.id, [...(inserted.get(caller.user.id) ?? []), event]);
        return json(200, eventResource(caller, event));
      },
    },
  ];
}

function syncToken(caller: Caller, change: number): string {
  return Buffer.from(`${caller.user.id}:${change}`).toString('base64url');
}

/** Google refuses a sync token with the filters it cannot be combined with, and a foreign or stale one with 410. */
const NOT_WITH_SYNC_TOKEN = [
  'timeMin',
  'timeMax',
  'orderBy',
  'q',
  'iCalUID',
  'privateExtendedProperty',
  'sharedExtendedProperty',
  'updatedMin',
];

function syncPoint(caller: Caller, query: URLSearchParams): number | undefined {
  const token = query.get('syncToken');
  if (token === null) return undefined;
  const conflicting = NOT_WITH_SYNC_TOKEN.find((name) => query.has(name));
  if (conflicting) throw new GoogleApiError(400, 'invalid', `${conflicting} is not allowed with syncToken`);
  const [user, change] = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (user !== caller.user.id || !/^\d+$/.test(change ?? ''))
    throw new GoogleApiError(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.');
  return Number(change);
}

function time(raw: string | null, name: string): number | undefined {
  if (raw === null || raw === '') return undefined;
  // RFC 3339 with a mandatory offset, as Google requires for timeMin/timeMax.
  const ms = /(Z|[+-]\d\d:\d\d)$/i.test(raw) ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) throw new GoogleApiError(400, 'badRequest', `Bad Request: invalid ${name}`);
  return ms;
}

type EventTime = { dateTime?: string; date?: string };

function eventTime(value: unknown, which: 'start' | 'end'): { ms: number; date?: string } {
  const t = (value ?? {}) as EventTime;
  if (typeof t.dateTime === 'string') {
    const ms = Date.parse(t.dateTime);
    if (!Number.isNaN(ms)) return { ms };
  }
  if (typeof t.date === 'string' && /^\d{4}-\d\d-\d\d$/.test(t.date)) return { ms: Date.parse(`${t.date}T00:00:00Z`), date: t.date };
  throw new GoogleApiError(400, 'required', which === 'end' ? 'Missing end time.' : 'Missing start time.');
}

function newEvent(caller: Caller, body: Record<string, unknown>, withConference: boolean, now: number): Omit<StoredEvent, 'change'> {
  const start = eventTime(body.start, 'start');
  const end = eventTime(body.end, 'end');
  if (end.ms <= start.ms && !(start.date && end.date && end.ms === start.ms))
    throw new GoogleApiError(400, 'timeRangeEmpty', 'The specified time range is empty.');
  const me: Person = { name: caller.user.name.fullName, email: caller.user.primaryEmail };
  const createRequest = (body.conferenceData as { createRequest?: { requestId?: unknown } } | undefined)?.createRequest;
  const requestId = typeof createRequest?.requestId === 'string' ? createRequest.requestId : undefined;
  const code = () =>
    randomBytes(6)
      .toString('hex')
      .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!);
  const meet =
    withConference && requestId ? { requestId, meetCode: `${code().slice(0, 3)}-${code().slice(0, 4)}-${code().slice(0, 3)}` } : undefined;
  const attendees = Array.isArray(body.attendees)
    ? body.attendees
        .filter((a): a is { email: string } => typeof (a as { email?: unknown })?.email === 'string')
        .map((a) => ({ name: a.email, email: a.email }))
    : [];
  return {
    id: randomBytes(13).toString('hex'),
    summary: typeof body.summary === 'string' ? body.summary : '',
    description: typeof body.description === 'string' ? body.description : '',
    ...(typeof body.location === 'string' ? { location: body.location } : {}),
    organizer: me,
    attendees,
    start: start.ms,
    end: end.ms,
    created: now,
    ...(start.date && end.date ? { allDay: { start: start.date, end: end.date } } : {}),
    ...(meet ? { hangoutLink: `https://meet.google.com/${meet.meetCode}`, conference: meet } : {}),
  };
}

function eventResource(caller: Caller, event: StoredEvent) {
  const me = caller.user.primaryEmail;
  const person = (p: Person) => ({
    email: p.email,
    ...(p.name !== p.email ? { displayName: p.name } : {}),
    ...(p.email === me ? { self: true } : {}),
  });
  return {
    kind: 'calendar#event',
    etag: `"${event.created}"`,
    id: event.id,
    status: 'confirmed',
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${me}`).toString('base64url')}`,
    created: rfc3339(event.created),
    updated: rfc3339(event.created),
    summary: event.summary,
    ...(event.description ? { description: event.description } : {}),
    ...(event.location ? { location: event.location } : {}),
    creator: person(event.organizer),
    organizer: person(event.organizer),
    start: event.allDay ? { date: event.allDay.start } : { dateTime: rfc3339(event.start), timeZone: 'UTC' },
    end: event.allDay ? { date: event.allDay.end } : { dateTime: rfc3339(event.end), timeZone: 'UTC' },
    iCalUID: `${event.id}@google.com`,
    sequence: 0,
    ...(event.attendees.length > 0
      ? {
          attendees: event.attendees.map((a) => ({
            ...person(a),
            responseStatus: a.email === event.organizer.email ? 'accepted' : 'needsAction',
            ...(a.email === event.organizer.email ? { organizer: true } : {}),
          })),
        }
      : {}),
    ...(event.hangoutLink
      ? {
          hangoutLink: event.hangoutLink,
          conferenceData: {
            ...(event.conference
              ? {
                  createRequest: {
                    requestId: event.conference.requestId,
                    conferenceSolutionKey: { type: 'hangoutsMeet' },
                    status: { statusCode: 'success' },
                  },
                }
              : {}),
            entryPoints: [{ entryPointType: 'video', uri: event.hangoutLink, label: event.hangoutLink.replace('https://', '') }],
            conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
            conferenceId: event.hangoutLink.split('/').pop(),
          },
        }
      : {}),
    reminders: { useDefault: true },
    eventType: 'default',
  };
}

export const calendarModule: EmulatorModule = { name: 'calendar', routes: calendarRoutes };
