/**
 * Calendar widget calls: today's and the coming week's events (calendar.readonly) with their join
 * links, and "new event" (calendar.events) with a Meet link requested.
 */
import { query, type ApiRequest, type Call } from './http.js';

export const UPCOMING_DAYS = 7;

export function upcomingEvents(base: string, now: Date, maxResults: number): ApiRequest {
  const startOfToday = addDays(now, 0);
  const until = addDays(now, UPCOMING_DAYS);
  return {
    method: 'GET',
    url: `${base}calendars/primary/events${query({
      timeMin: startOfToday.toISOString(),
      timeMax: until.toISOString(),
      singleEvents: true,
      orderBy: 'startTime',
      maxResults,
    })}`,
  };
}

/**
 * Local midnight `days` calendar days after `date`'s day. Built from the calendar fields, not by
 * adding 24-hour steps: a day across a daylight-saving change lasts 23 or 25 hours.
 */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

export interface NewEvent {
  readonly summary: string;
  readonly start: Date;
  readonly end: Date;
}

export function insertEvent(base: string, event: NewEvent, requestId: string): ApiRequest {
  return {
    method: 'POST',
    url: `${base}calendars/primary/events${query({ conferenceDataVersion: 1 })}`,
    body: {
      summary: event.summary,
      start: { dateTime: event.start.toISOString() },
      end: { dateTime: event.end.toISOString() },
      conferenceData: { createRequest: { requestId, conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    },
  };
}

export interface CalendarEvent {
  readonly id: string;
  readonly summary?: string;
  readonly htmlLink?: string;
  readonly hangoutLink?: string;
  readonly location?: string;
  readonly start?: { readonly dateTime?: string; readonly date?: string };
  readonly end?: { readonly dateTime?: string; readonly date?: string };
  readonly conferenceData?: { readonly entryPoints?: ReadonlyArray<{ readonly entryPointType?: string; readonly uri?: string }> };
}

/**
 * The Meet (or other video) link: hangoutLink, else the conference's video entry point; `https:`
 * only. Any guest can put an event with any conference link on an employee's calendar, and a
 * `javascript:` or `data:` link behind "Join" would run in, or impersonate, the intranet.
 */
export function joinLink(event: CalendarEvent): string | undefined {
  return [event.hangoutLink, event.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video')?.uri].find(isHttpsUrl);
}

function isHttpsUrl(link: string | undefined): link is string {
  if (!link) return false;
  try {
    return new URL(link).protocol === 'https:';
  } catch {
    return false;
  }
}

/** When the event starts; all-day events (date only) start at local midnight. */
export function eventStart(event: CalendarEvent): Date | undefined {
  if (event.start?.dateTime) return new Date(event.start.dateTime);
  if (event.start?.date) {
    const [y, m, d] = event.start.date.split('-').map(Number);
    if (y && m && d) return new Date(y, m - 1, d);
  }
  return undefined;
}

export async function loadEvents(call: Call, base: string, now: Date, max: number): Promise<CalendarEvent[]> {
  return (await call<{ items?: CalendarEvent[] }>(upcomingEvents(base, now, max))).items ?? [];
}

/** freebusy.query for one colleague's primary calendar (their address), from `from` to `until`. */
export function freeBusy(base: string, email: string, from: Date, until: Date): ApiRequest {
  return {
    method: 'POST',
    url: `${base}freeBusy`,
    body: { timeMin: from.toISOString(), timeMax: until.toISOString(), items: [{ id: email }] },
  };
}

export interface BusyInterval {
  readonly start: string;
  readonly end: string;
}
interface FreeBusyAnswer {
  readonly calendars?: Record<
    string,
    { readonly busy?: readonly BusyInterval[]; readonly errors?: ReadonlyArray<{ readonly reason?: string }> }
  >;
}

/** What a colleague's calendar says about now: busy until when, free until when, or not visible to you. */
export type Availability =
  { readonly kind: 'busy'; readonly until: Date } | { readonly kind: 'free'; readonly until?: Date } | { readonly kind: 'unknown' };

/** Busy now (until the end of the busy stretch, merging back-to-back meetings) or free until the next one, up to the end of today. */
export async function availability(call: Call, base: string, email: string, now: Date): Promise<Availability> {
  const answer = await call<FreeBusyAnswer>(freeBusy(base, email, now, addDays(now, 1)));
  const entry = answer.calendars?.[email];
  if (!entry || entry.errors?.length) return { kind: 'unknown' };
  const busy = (entry.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })).sort((a, b) => a.start - b.start);
  let at = now.getTime();
  const current = busy.find((b) => b.start <= at && at < b.end);
  if (!current) {
    const next = busy.find((b) => b.start > at);
    return next ? { kind: 'free', until: new Date(next.start) } : { kind: 'free' };
  }
  for (const b of busy) if (b.start <= at && b.end > at) at = b.end;
  return { kind: 'busy', until: new Date(at) };
}
