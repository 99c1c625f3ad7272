/**
 * Calendar widget calls: today's and the coming week's events (calendar.readonly) with their join
 * links, and "new event" (calendar.events) with a Meet link requested.
 */
import { query, type ApiRequest, type Call } from './http.js';

export const UPCOMING_DAYS = 7;

export function upcomingEvents(base: string, now: Date, maxResults: number): ApiRequest {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const until = new Date(startOfToday.getTime() + UPCOMING_DAYS * 86_400_000);
  return {
    method: 'GET',
    url: `${base}calendars/primary/events${query({
      timeMin: startOfToday.toISOString(), timeMax: until.toISOString(), singleEvents: true, orderBy: 'startTime', maxResults,
    })}`,
  };
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
