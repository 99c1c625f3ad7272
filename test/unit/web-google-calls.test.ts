import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, availability, eventStart, freeBusy, insertEvent, joinLink, upcomingEvents } from '../../web/src/google/calendar.js';
import { driveString, folders, recentFiles, searchFiles, shareWithGroup } from '../../web/src/google/drive.js';
import { inboxLabel, messageMetadata, senderName, summarize, unreadMessages } from '../../web/src/google/gmail.js';
import { googleError, type Call } from '../../web/src/google/http.js';

const GMAIL = 'https://gmail.googleapis.com/gmail/v1/';
const DRIVE = 'https://www.googleapis.com/drive/v3/';
const CAL = 'https://www.googleapis.com/calendar/v3/';
const params = (url: string) => new URL(url).searchParams;

describe('Gmail calls under gmail.metadata', () => {
  it('counts unread with labels.get(INBOX)', () => {
    expect(inboxLabel(GMAIL)).toEqual({ method: 'GET', url: `${GMAIL}users/me/labels/INBOX` });
  });

  it('lists unread by labelIds and never sends q (Gmail rejects q under gmail.metadata)', () => {
    const p = params(unreadMessages(GMAIL, 5).url);
    expect(p.getAll('labelIds')).toEqual(['INBOX', 'UNREAD']);
    expect(p.get('maxResults')).toBe('5');
    expect(p.has('q')).toBe(false);
  });

  it('gets metadata with the three headers, never format=full', () => {
    const url = messageMetadata(GMAIL, 'abc/1').url;
    expect(url.startsWith(`${GMAIL}users/me/messages/abc%2F1?`)).toBe(true);
    expect(params(url).get('format')).toBe('metadata');
    expect(params(url).getAll('metadataHeaders')).toEqual(['From', 'Subject', 'Date']);
  });

  it('summarizes headers, falling back on internalDate and placeholders', () => {
    const m = summarize(
      {
        id: '18c',
        threadId: '18c',
        internalDate: '1700000000000',
        payload: {
          headers: [
            { name: 'from', value: '"Grace Hopper" <grace@example.com>' },
            { name: 'Subject', value: '  ' },
          ],
        },
      },
      'ada@example.com',
    );
    expect(m).toMatchObject({ from: 'Grace Hopper', subject: '(no subject)', date: new Date(1_700_000_000_000) });
    expect(m.link).toBe('https://mail.google.com/mail/?authuser=ada%40example.com#all/18c');
    expect(senderName('bob@example.com')).toBe('bob@example.com');
    expect(senderName('<bob@example.com>')).toBe('bob@example.com');
  });
});

describe('Drive calls', () => {
  it('lists recent files with explicit fields, not trashed', () => {
    const p = params(recentFiles(DRIVE, 8).url);
    expect(p.get('orderBy')).toBe('modifiedTime desc');
    expect(p.get('q')).toBe('trashed = false');
    expect(p.get('fields')).toContain('files(');
    expect(p.get('pageSize')).toBe('8');
  });

  it('escapes quotes and backslashes in the search literal', () => {
    expect(driveString("it's a \\ test")).toBe("'it\\'s a \\\\ test'");
    expect(params(searchFiles(DRIVE, " Q4 'plan' ", 10).url).get('q')).toBe("name contains 'Q4 \\'plan\\'' and trashed = false");
    expect(params(folders(DRIVE, 50).url).get('q')).toBe("mimeType = 'application/vnd.google-apps.folder' and trashed = false");
  });

  it('shares with a group through permissions.create, without notification mail', () => {
    const request = shareWithGroup(DRIVE, 'folder 1', 'eng@example.com', 'reader');
    expect(request.method).toBe('POST');
    expect(request.url.startsWith(`${DRIVE}files/folder%201/permissions?`)).toBe(true);
    expect(params(request.url).get('sendNotificationEmail')).toBe('false');
    expect(request.body).toEqual({ type: 'group', role: 'reader', emailAddress: 'eng@example.com' });
  });
});

describe('Calendar calls', () => {
  it('lists single events from the start of today for a week, ordered by start', () => {
    const now = new Date(2026, 10, 28, 15, 30);
    const p = params(upcomingEvents(CAL, now, 10).url);
    expect(new Date(p.get('timeMin')!).getTime()).toBe(new Date(2026, 10, 28).getTime());
    expect(new Date(p.get('timeMax')!).getTime()).toBe(new Date(2026, 11, 5).getTime());
    expect(p.get('singleEvents')).toBe('true');
    expect(p.get('orderBy')).toBe('startTime');
  });

  it('creates an event asking for a Meet conference', () => {
    const start = new Date('2026-11-28T10:00:00Z');
    const request = insertEvent(CAL, { summary: 'Sync', start, end: new Date('2026-11-28T10:30:00Z') }, 'req-1');
    expect(params(request.url).get('conferenceDataVersion')).toBe('1');
    expect(request.body).toMatchObject({
      summary: 'Sync',
      start: { dateTime: '2026-11-28T10:00:00.000Z' },
      conferenceData: { createRequest: { requestId: 'req-1' } },
    });
  });

  it('finds the join link in hangoutLink or the video entry point; all-day events start at local midnight', () => {
    expect(joinLink({ id: '1', hangoutLink: 'https://meet.google.com/abc' })).toBe('https://meet.google.com/abc');
    expect(
      joinLink({
        id: '2',
        conferenceData: {
          entryPoints: [
            { entryPointType: 'phone', uri: 'tel:1' },
            { entryPointType: 'video', uri: 'https://v' },
          ],
        },
      }),
    ).toBe('https://v');
    expect(joinLink({ id: '3' })).toBeUndefined();
    expect(eventStart({ id: '4', start: { date: '2026-12-01' } })).toEqual(new Date(2026, 11, 1));
  });

  it('offers only https: meeting links (an invited event can carry any link)', () => {
    expect(joinLink({ id: '1', hangoutLink: 'javascript:alert(document.cookie)' })).toBeUndefined();
    expect(joinLink({ id: '2', hangoutLink: ' JavaScript:alert(1)' })).toBeUndefined();
    expect(
      joinLink({
        id: '3',
        conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'data:text/html,<script>alert(1)</script>' }] },
      }),
    ).toBeUndefined();
    expect(
      joinLink({ id: '4', conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'http://meet.example.com/x' }] } }),
    ).toBeUndefined();
    expect(joinLink({ id: '5', hangoutLink: 'not a url' })).toBeUndefined();
    expect(
      joinLink({
        id: '6',
        hangoutLink: 'javascript:x',
        conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'https://zoom.example.com/j/1' }] },
      }),
    ).toBe('https://zoom.example.com/j/1');
  });
});

describe("Google's errors as messages that say what to do", () => {
  it.each([
    [401, { error: { code: 401, status: 'UNAUTHENTICATED', errors: [{ reason: 'authError' }] } }, 'expired'],
    [403, { error: { code: 403, errors: [{ reason: 'insufficientPermissions' }] } }, 'permission'],
    [403, { error: { code: 403, errors: [{ reason: 'userRateLimitExceeded' }] } }, 'rate-limited'],
    [429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } }, 'rate-limited'],
    [404, undefined, 'not-found'],
    [500, 'not json', 'failed'],
  ])('%i → %s', (status, body, kind) => {
    const error = googleError(status, body);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(/\.$/);
  });
});

describe('Calendar days across daylight-saving changes (Europe/Berlin)', () => {
  const zone = process.env.TZ;
  // Node reads TZ again when it changes: Dates in this block are Berlin's local time.
  beforeAll(() => {
    process.env.TZ = 'Europe/Berlin';
  });
  afterAll(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('ends the week at local midnight when the clocks go back inside it (a 25-hour day)', () => {
    const now = new Date('2026-10-20T13:00:00Z'); // Tuesday 15:00 CEST; the clocks go back on Sunday 25 October
    const p = params(upcomingEvents(CAL, now, 10).url);
    expect(p.get('timeMin')).toBe('2026-10-19T22:00:00.000Z'); // 20 October 00:00 CEST
    expect(p.get('timeMax')).toBe('2026-10-26T23:00:00.000Z'); // 27 October 00:00 CET, not 23:00 on the 26th
  });

  it('steps whole days when the clocks go forward (a 23-hour day)', () => {
    const saturday = new Date('2026-03-28T11:00:00Z'); // 12:00 CET; the clocks go forward on Sunday 29 March
    expect(addDays(saturday, 1).toISOString()).toBe('2026-03-28T23:00:00.000Z'); // Sunday 00:00 CET
    expect(addDays(saturday, 2).toISOString()).toBe('2026-03-29T22:00:00.000Z'); // Monday 00:00 CEST
  });
});

describe('Free/busy now', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  const answering = (calendars: object): Call => (async () => ({ calendars })) as Call;
  const at = (hhmm: string) => `2026-11-28T${hhmm}:00Z`;

  it('asks freebusy.query for the colleague from now to the end of the day', () => {
    const request = freeBusy(CAL, 'ana@example.com', now, addDays(now, 1));
    expect(request).toMatchObject({
      method: 'POST',
      url: `${CAL}freeBusy`,
      body: { timeMin: now.toISOString(), items: [{ id: 'ana@example.com' }] },
    });
  });

  it('is busy until the end of back-to-back meetings, free until the next one, unknown when Google will not say', async () => {
    const busy = answering({
      'ana@example.com': {
        busy: [
          { start: at('09:30'), end: at('10:30') },
          { start: at('10:30'), end: at('11:00') },
          { start: at('12:00'), end: at('13:00') },
        ],
      },
    });
    expect(await availability(busy, CAL, 'ana@example.com', now)).toEqual({ kind: 'busy', until: new Date(at('11:00')) });
    const free = answering({ 'ana@example.com': { busy: [{ start: at('12:00'), end: at('13:00') }] } });
    expect(await availability(free, CAL, 'ana@example.com', now)).toEqual({ kind: 'free', until: new Date(at('12:00')) });
    expect(await availability(answering({ 'ana@example.com': { busy: [] } }), CAL, 'ana@example.com', now)).toEqual({ kind: 'free' });
    expect(
      await availability(answering({ 'ana@example.com': { errors: [{ reason: 'notFound' }], busy: [] } }), CAL, 'ana@example.com', now),
    ).toEqual({ kind: 'unknown' });
  });
});
