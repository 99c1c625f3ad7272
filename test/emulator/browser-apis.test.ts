/**
 * Fidelity of the emulated Gmail, Drive and Calendar methods the web client uses, driven by
 * Google's own Node clients (rootUrl → the emulator): what they parse, paging, field masks and
 * the scope errors Google answers (gmail.metadata refusing q and format=full included).
 */
import { calendar_v3 } from '@googleapis/calendar';
import { drive_v3 } from '@googleapis/drive';
import { auth, gmail_v1 } from '@googleapis/gmail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_DEFAULTS } from '../../shared/config/config.js';
import type { Emulator } from '../../local/emulator/emulator.js';
import type { DirectoryUserResource } from '../../local/emulator/seed/model.js';
import { startTestEmulator } from '../support/emulator.js';

const AUTH = 'https://www.googleapis.com/auth/';
let emulator: Emulator;
let user: DirectoryUserResource;

beforeAll(async () => {
  emulator = await startTestEmulator({ seed: 'browser-apis', users: 40, groups: 8 });
  user = emulator.directory.users.find((u) => !u.isAdmin && !u.suspended && !u.deletionTime)!;
});
afterAll(() => emulator.stop());

function tokenFor(scopes: string[], who: DirectoryUserResource = user): string {
  return emulator.context.tokens.issueAccess({ clientId: LOCAL_DEFAULTS.googleClientId, scopes, email: who.primaryEmail, userId: who.id })
    .token;
}

function oauth(scopes: string[], who?: DirectoryUserResource) {
  const client = new auth.OAuth2();
  client.setCredentials({ access_token: tokenFor(scopes, who) });
  return client;
}

const rootUrl = () => `${emulator.origin}/`;
const gmail = (scopes: string[]) => new gmail_v1.Gmail({ auth: oauth(scopes), rootUrl: rootUrl(), retry: false });
const drive = (scopes: string[], who?: DirectoryUserResource) =>
  new drive_v3.Drive({ auth: oauth(scopes, who), rootUrl: rootUrl(), retry: false });
const calendar = (scopes: string[]) => new calendar_v3.Calendar({ auth: oauth(scopes), rootUrl: rootUrl(), retry: false });

/** The status and Google error body a client call failed with. */
async function failure(call: Promise<unknown>): Promise<{ status: number; reason?: string; message?: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as {
      status?: number;
      response?: { status: number; data?: { error?: { message?: string; errors?: Array<{ reason?: string }> } } };
    };
    const data = e.response?.data?.error;
    return { status: e.response?.status ?? e.status ?? 0, reason: data?.errors?.[0]?.reason, message: data?.message };
  }
  throw new Error('The call succeeded but should have failed.');
}

describe('Gmail under gmail.metadata', () => {
  const metadata = `${AUTH}gmail.metadata`;

  it('counts unread inbox messages with labels.get and lists them by labelIds', async () => {
    const mail = emulator.personal.for(user).messages;
    const unread = mail.filter((m) => m.labelIds.includes('INBOX') && m.labelIds.includes('UNREAD'));
    const client = gmail([metadata]);
    const label = await client.users.labels.get({ userId: 'me', id: 'INBOX' });
    expect(label.data).toMatchObject({ id: 'INBOX', type: 'system', messagesUnread: unread.length });
    const list = await client.users.messages.list({ userId: 'me', labelIds: ['INBOX', 'UNREAD'], maxResults: 5 });
    expect(list.data.messages?.map((m) => m.id)).toEqual(unread.slice(0, 5).map((m) => m.id));
    expect(list.data.resultSizeEstimate).toBe(unread.length);
    const labels = await client.users.labels.list({ userId: 'me' });
    expect(labels.data.labels?.map((l) => l.id)).toContain('UNREAD');
  });

  it('returns only the asked headers with format=metadata', async () => {
    const message = emulator.personal.for(user).messages[0]!;
    const got = await gmail([metadata]).users.messages.get({
      userId: 'me',
      id: message.id,
      format: 'metadata',
      metadataHeaders: ['From', 'Subject', 'Date'],
    });
    expect(got.data.payload?.headers?.map((h) => h.name)).toEqual(['From', 'Subject', 'Date']);
    expect(got.data.payload?.headers?.find((h) => h.name === 'Subject')?.value).toBe(message.subject);
    expect(got.data.payload?.body).toBeUndefined();
    expect(got.data.internalDate).toBe(String(message.internalDate));
  });

  it('refuses q and format=full with 403, even when gmail.readonly is granted too', async () => {
    const both = gmail([metadata, `${AUTH}gmail.readonly`]);
    expect(await failure(both.users.messages.list({ userId: 'me', q: 'is:unread' }))).toEqual({
      status: 403,
      reason: 'forbidden',
      message: "Metadata scope does not support 'q' parameter",
    });
    const id = emulator.personal.for(user).messages[0]!.id;
    expect(await failure(both.users.messages.get({ userId: 'me', id, format: 'full' }))).toEqual({
      status: 403,
      reason: 'forbidden',
      message: "Metadata scope doesn't allow format FULL",
    });
  });

  it('serves q and full bodies under gmail.readonly alone', async () => {
    const client = gmail([`${AUTH}gmail.readonly`]);
    const unread = await client.users.messages.list({ userId: 'me', q: 'is:unread in:inbox' });
    const expected = emulator.personal.for(user).messages.filter((m) => m.labelIds.includes('UNREAD') && m.labelIds.includes('INBOX'));
    expect(unread.data.messages?.length ?? 0).toBe(expected.length);
    const full = await client.users.messages.get({ userId: 'me', id: expected[0]?.id ?? emulator.personal.for(user).messages[0]!.id });
    expect(Buffer.from(full.data.payload?.body?.data ?? '', 'base64url').toString()).toMatch(/^Hello /);
  });

  it('answers a token without a Gmail scope with 403, a bad token with 401, and another mailbox with 403', async () => {
    expect(await failure(gmail([`${AUTH}drive.readonly`]).users.labels.get({ userId: 'me', id: 'INBOX' }))).toMatchObject({
      status: 403,
      reason: 'insufficientPermissions',
    });
    const anonymous = new auth.OAuth2();
    anonymous.setCredentials({ access_token: 'ya29.not-a-token' });
    expect(
      await failure(
        new gmail_v1.Gmail({ auth: anonymous, rootUrl: rootUrl(), retry: false }).users.labels.get({ userId: 'me', id: 'INBOX' }),
      ),
    ).toMatchObject({ status: 401, reason: 'authError' });
    const other = emulator.directory.users.find((u) => u.id !== user.id)!;
    expect(await failure(gmail([metadata]).users.labels.get({ userId: other.primaryEmail, id: 'INBOX' }))).toMatchObject({ status: 403 });
  });
});

describe('Drive', () => {
  const readonly = `${AUTH}drive.readonly`;

  it('lists with q, orderBy, fields and pageSize, and pages with nextPageToken', async () => {
    const client = drive([readonly]);
    const recent = await client.files.list({
      q: 'trashed = false',
      orderBy: 'recency desc',
      pageSize: 5,
      fields: 'nextPageToken,files(id,name,modifiedTime,webViewLink)',
    });
    expect(recent.data.files).toHaveLength(5);
    expect(Object.keys(recent.data.files![0]!).sort()).toEqual(['id', 'modifiedTime', 'name', 'webViewLink']);
    const all: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await client.files.list({
        q: 'trashed = false',
        orderBy: 'recency desc',
        pageSize: 5,
        fields: 'nextPageToken,files(id)',
        ...(pageToken ? { pageToken } : {}),
      });
      all.push(...page.data.files!.map((f) => f.id!));
      pageToken = page.data.nextPageToken ?? undefined;
    } while (pageToken);
    const seeded = emulator.personal.for(user).files.filter((f) => !f.trashed).length;
    expect(all).toHaveLength(seeded + 4); // the seeded files and the user's four folders
    expect(new Set(all).size).toBe(all.length);
  });

  it('drops nextPageToken when the field mask leaves it out (the paging trap)', async () => {
    const page = await drive([readonly]).files.list({ pageSize: 2, fields: 'files(id)' });
    expect(page.data.files).toHaveLength(2);
    expect(page.data.nextPageToken).toBeUndefined();
  });

  it('searches by name with escaped quotes, finds folders by mimeType, and answers an invalid q with 400', async () => {
    const client = drive([readonly]);
    const name = emulator.personal.for(user).files.find((f) => !f.trashed)!.name;
    const found = await client.files.list({
      q: `name contains '${name.split(' ')[0]!.replace(/'/g, "\\'")}' and trashed = false`,
      fields: 'files(name)',
    });
    expect(found.data.files?.map((f) => f.name)).toContain(name);
    const folders = await client.files.list({
      q: "mimeType = 'application/vnd.google-apps.folder' and trashed = false",
      fields: 'files(id,name,mimeType)',
    });
    expect(folders.data.files?.map((f) => f.name).sort()).toEqual(['Archive', 'Onboarding', 'Shared with my group', 'Team projects']);
    expect(await failure(client.files.list({ q: "name contians 'x'" }))).toMatchObject({ status: 400, reason: 'invalid' });
    expect(await failure(client.files.list({ orderBy: 'size desc' }))).toMatchObject({ status: 400 });
  });

  it('gets a file with default and explicit fields, and 404s an unknown one', async () => {
    const client = drive([readonly]);
    const id = emulator.personal.for(user).files[0]!.id;
    expect(Object.keys((await client.files.get({ fileId: id })).data).sort()).toEqual(['id', 'kind', 'mimeType', 'name']);
    expect((await client.files.get({ fileId: id, fields: 'owners(emailAddress),modifiedTime' })).data.owners).toHaveLength(1);
    expect(await failure(client.files.get({ fileId: 'nope' }))).toMatchObject({ status: 404, reason: 'notFound' });
  });

  it('shares a folder with a group only under the full drive scope, and lists the permission afterwards', async () => {
    const folder = (await drive([readonly]).files.list({ q: "mimeType = 'application/vnd.google-apps.folder'", fields: 'files(id)' })).data
      .files![0]!.id!;
    const group = emulator.directory.groups[0]!;
    const body = { type: 'group', role: 'reader', emailAddress: group.email };
    expect(await failure(drive([readonly]).permissions.create({ fileId: folder, requestBody: body }))).toMatchObject({
      status: 403,
      reason: 'insufficientPermissions',
    });
    const created = await drive([`${AUTH}drive`]).permissions.create({
      fileId: folder,
      sendNotificationEmail: false,
      requestBody: body,
      fields: 'id,type,role,emailAddress',
    });
    expect(created.data).toEqual({ id: group.id, type: 'group', role: 'reader', emailAddress: group.email });
    const listed = await drive([readonly]).permissions.list({ fileId: folder });
    expect(listed.data.permissions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'user', role: 'owner', emailAddress: user.primaryEmail }),
        expect.objectContaining({ type: 'group', role: 'reader', emailAddress: group.email }),
      ]),
    );
    expect(
      await failure(
        drive([`${AUTH}drive`]).permissions.create({
          fileId: folder,
          requestBody: { type: 'group', role: 'reader', emailAddress: 'no-such-group@example.com' },
        }),
      ),
    ).toMatchObject({ status: 400, reason: 'invalidSharingRequest' });
  });

  it('refuses to share a file owned by someone else that was not shared with the caller', async () => {
    const foreign = emulator.personal
      .for(user)
      .files.find((f) => f.owner.email !== user.primaryEmail && !f.sharedWith.some((p) => p.email === user.primaryEmail));
    expect(foreign).toBeDefined();
    expect(
      await failure(
        drive([`${AUTH}drive`]).permissions.create({
          fileId: foreign!.id,
          requestBody: { type: 'user', role: 'reader', emailAddress: 'x@example.com' },
        }),
      ),
    ).toMatchObject({ status: 403, reason: 'insufficientFilePermissions' });
  });
});

describe('Gmail history ids', () => {
  it('grow with the mailbox: every later message carries a larger historyId', async () => {
    const client = gmail([`${AUTH}gmail.readonly`]);
    const messages = [...emulator.personal.for(user).messages].reverse(); // oldest first
    expect(messages.length).toBeGreaterThan(5);
    const ids = await Promise.all(
      messages.map(async (m) => BigInt((await client.users.messages.get({ userId: 'me', id: m.id, format: 'minimal' })).data.historyId!)),
    );
    for (let i = 1; i < ids.length; i += 1) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
  });
});

describe('Calendar', () => {
  it('lists events from timeMin ordered by start time, and refuses that order without singleEvents', async () => {
    const client = calendar([`${AUTH}calendar.readonly`]);
    const timeMin = new Date(Date.now() - 86_400_000).toISOString();
    const list = await client.events.list({ calendarId: 'primary', timeMin, singleEvents: true, orderBy: 'startTime', maxResults: 50 });
    const starts = list.data.items!.map((e) => Date.parse(e.start!.dateTime!));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(list.data.items!.every((e) => Date.parse(e.end!.dateTime!) > Date.parse(timeMin))).toBe(true);
    expect(list.data.items!.some((e) => e.hangoutLink?.startsWith('https://meet.google.com/'))).toBe(true);
    expect(await failure(client.events.list({ calendarId: 'primary', orderBy: 'startTime' }))).toMatchObject({ status: 400 });
  });

  it('inserts only under calendar.events (or calendar), with a Meet link when asked, and lists the new event', async () => {
    const requestBody = {
      summary: 'Emulator check',
      start: { dateTime: new Date(Date.now() + 3_600_000).toISOString() },
      end: { dateTime: new Date(Date.now() + 5_400_000).toISOString() },
      conferenceData: { createRequest: { requestId: 'req-1', conferenceSolutionKey: { type: 'hangoutsMeet' } } },
    };
    expect(await failure(calendar([`${AUTH}calendar.readonly`]).events.insert({ calendarId: 'primary', requestBody }))).toMatchObject({
      status: 403,
      reason: 'insufficientPermissions',
    });
    const created = await calendar([`${AUTH}calendar.events`]).events.insert({
      calendarId: 'primary',
      conferenceDataVersion: 1,
      requestBody,
    });
    expect(created.data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\/[a-j]{3}-[a-j]{4}-[a-j]{3}$/);
    expect(created.data.conferenceData?.entryPoints?.[0]).toMatchObject({ entryPointType: 'video', uri: created.data.hangoutLink });
    const list = await calendar([`${AUTH}calendar.readonly`]).events.list({
      calendarId: 'primary',
      timeMin: new Date().toISOString(),
      singleEvents: true,
      orderBy: 'startTime',
    });
    expect(list.data.items?.map((e) => e.id)).toContain(created.data.id);
    expect(
      await failure(
        calendar([`${AUTH}calendar.events`]).events.insert({
          calendarId: 'primary',
          requestBody: { summary: 'x', start: requestBody.start },
        }),
      ),
    ).toMatchObject({ status: 400, message: 'Missing end time.' });
  });

  it("answers freebusy.query with a colleague's busy intervals clipped to the window, and notFound for an unknown calendar", async () => {
    const colleague = emulator.directory.users.find(
      (u) => u.id !== user.id && !u.suspended && !u.deletionTime && emulator.personal.for(u).events.length > 0,
    )!;
    const events = emulator.personal.for(colleague).events;
    const timeMin = new Date(events[0]!.start + 60_000).toISOString();
    const timeMax = new Date(events.at(-1)!.end).toISOString();
    const answer = await calendar([`${AUTH}calendar.readonly`]).freebusy.query({
      requestBody: { timeMin, timeMax, items: [{ id: colleague.primaryEmail }, { id: 'nobody@example.com' }] },
    });
    const expected = events
      .filter((e) => e.end > Date.parse(timeMin) && e.start < Date.parse(timeMax))
      .map((e) => ({
        start: new Date(Math.max(e.start, Date.parse(timeMin))).toISOString(),
        end: new Date(Math.min(e.end, Date.parse(timeMax))).toISOString(),
      }));
    expect(answer.data.calendars?.[colleague.primaryEmail]?.busy).toEqual(expected);
    expect(answer.data.calendars?.['nobody@example.com']?.errors).toEqual([{ domain: 'global', reason: 'notFound' }]);
    expect(
      await failure(calendar([`${AUTH}gmail.metadata`]).freebusy.query({ requestBody: { timeMin, timeMax, items: [] } })),
    ).toMatchObject({ status: 403 });
    expect(
      await failure(
        calendar([`${AUTH}calendar.freebusy`]).freebusy.query({ requestBody: { timeMin: timeMax, timeMax: timeMin, items: [] } }),
      ),
    ).toMatchObject({ status: 400 });
  });

  it('ends a listing with nextSyncToken, and with syncToken lists only what changed since', async () => {
    const client = calendar([`${AUTH}calendar`]);
    const pages: calendar_v3.Schema$Events[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await client.events.list({ calendarId: 'primary', maxResults: 5, ...(pageToken ? { pageToken } : {}) });
      pages.push(data);
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(0, -1).every((p) => p.nextSyncToken === undefined)).toBe(true);
    const syncToken = pages.at(-1)!.nextSyncToken!;
    expect(syncToken).toEqual(expect.any(String));
    expect((await client.events.list({ calendarId: 'primary', syncToken })).data.items).toEqual([]);
    const hour = Date.now() + 7_200_000;
    const added = await client.events.insert({
      calendarId: 'primary',
      requestBody: {
        summary: 'Since the token',
        start: { dateTime: new Date(hour).toISOString() },
        end: { dateTime: new Date(hour + 1_800_000).toISOString() },
      },
    });
    const changed = await client.events.list({ calendarId: 'primary', syncToken });
    expect(changed.data.items?.map((e) => e.id)).toEqual([added.data.id]);
    expect(changed.data.nextSyncToken).not.toBe(syncToken);
    expect(await failure(client.events.list({ calendarId: 'primary', syncToken, timeMin: new Date().toISOString() }))).toMatchObject({
      status: 400,
    });
    expect(await failure(client.events.list({ calendarId: 'primary', syncToken: 'not-a-token' }))).toMatchObject({
      status: 410,
      reason: 'fullSyncRequired',
    });
  });
});
