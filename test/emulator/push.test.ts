import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import type { Emulator } from '../../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES, DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import { REPORTS_AUDIT_SCOPE } from '../../local/emulator/push/routes.js';
import { delegatedAuth, directoryClient, startTestEmulator, googleFailure as failure } from '../support/emulator.js';

interface Received {
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

let emulator: Emulator;
let receiver: Server;
let address: string;
let received: Received[] = [];
let directory: admin_directory_v1.Admin;
let reports: admin_reports_v1.Admin;

const WRITE_SCOPES = [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group];

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 50, groups: 10, push: { auditLagMs: 50 } });
  emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, ...WRITE_SCOPES, REPORTS_AUDIT_SCOPE]);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
        res.writeHead(200).end();
      });
  });
  await new Promise<void>((ok) => receiver.listen(0, 'localhost', ok));
  address = `http://localhost:${(receiver.address() as AddressInfo).port}/hooks/google`;
  directory = await directoryClient(emulator, { scopes: [...WRITE_SCOPES, REPORTS_AUDIT_SCOPE] });
  reports = new admin_reports_v1.Admin({
    auth: await delegatedAuth(emulator, { scopes: [REPORTS_AUDIT_SCOPE] }),
    rootUrl: `${emulator.origin}/`,
    retry: false,
  });
});
afterAll(async () => {
  await emulator.push.idle();
  await emulator.stop();
  await new Promise((ok) => receiver.close(ok));
});
beforeEach(async () => {
  await emulator.push.idle();
  emulator.push.setSettings({ dropRate: 0, duplicateRate: 0, jitterMs: 0 });
  received = [];
});

let channelCount = 0;
async function watchUsers(token = 'secret-token') {
  channelCount += 1;
  const { data } = await directory.users.watch({
    customer: 'my_customer',
    requestBody: { id: `users-${channelCount}`, type: 'web_hook', address, token },
  });
  return data;
}

describe("push notifications through Google's own client", () => {
  it("users.watch opens a channel whose first message is sync, then one message per change with Google's headers", async () => {
    const channel = await watchUsers();
    expect(channel).toMatchObject({ kind: 'api#channel', id: expect.any(String), resourceId: expect.any(String), token: 'secret-token' });
    expect(Number(channel.expiration)).toBeGreaterThan(Date.now());
    const { data: created } = await directory.users.insert({
      requestBody: { primaryEmail: 'new.hire@example.com', name: { givenName: 'New', familyName: 'Hire' }, password: 'x'.repeat(12) },
    });
    await directory.users.patch({ userKey: created.id!, requestBody: { suspended: true } });
    await emulator.push.idle();
    expect(received.map((r) => [r.headers['x-goog-resource-state'], r.headers['x-goog-message-number']])).toEqual([
      ['sync', '1'],
      ['add', '2'],
      ['update', '3'],
    ]);
    const add = received[1]!;
    expect(add.headers).toMatchObject({
      'x-goog-channel-id': channel.id,
      'x-goog-channel-token': 'secret-token',
      'x-goog-resource-id': channel.resourceId,
    });
    expect(new Date(add.headers['x-goog-channel-expiration']!).getTime()).toBeGreaterThan(Date.now());
    expect(JSON.parse(add.body)).toMatchObject({ kind: 'admin#directory#user', id: created.id, primaryEmail: 'new.hire@example.com' });
    expect(emulator.directory.user(created.id!)?.suspended).toBe(true);
    await directory.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } });
    await directory.users.delete({ userKey: created.id! });
    await emulator.push.idle();
    expect(received).toHaveLength(3);
    expect((await failure(directory.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }))).status).toBe(404);
  });

  it('write methods refuse a token with read-only scopes, as Google does', async () => {
    const readOnly = await directoryClient(emulator);
    const error = await failure(
      readOnly.users.insert({ requestBody: { primaryEmail: 'nope@example.com', name: { givenName: 'N', familyName: 'O' } } }),
    );
    expect(error.status).toBe(403);
    expect(emulator.directory.user('nope@example.com')).toBeUndefined();
  });

  it('a watch address must be https, or http to the loopback interface', async () => {
    const error = await failure(
      directory.users.watch({
        customer: 'my_customer',
        requestBody: { id: 'plain-http', type: 'web_hook', address: 'http://example.org/hook' },
      }),
    );
    expect(error.status).toBe(400);
  });

  it('activities.watch for admin delivers group and membership changes after the audit lag', async () => {
    const { data: channel } = await reports.activities.watch({
      userKey: 'all',
      applicationName: 'admin',
      requestBody: { id: 'admin-activities', type: 'web_hook', address, token: 't' },
    });
    const { data: group } = await directory.groups.insert({ requestBody: { email: 'push-team@example.com', name: 'Push team' } });
    const member = emulator.directory.users.find((u) => !u.deletionTime && !u.isAdmin)!;
    const started = Date.now();
    await directory.members.insert({ groupKey: group.id!, requestBody: { email: member.primaryEmail, role: 'MEMBER' } });
    await directory.members.delete({ groupKey: group.id!, memberKey: member.primaryEmail });
    await emulator.push.idle();
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const events = received
      .filter((r) => r.headers['x-goog-channel-id'] === channel.id)
      .map((r) =>
        r.body
          ? (JSON.parse(r.body) as { events: Array<{ name: string; parameters: Array<{ name: string; value: string }> }> }).events[0]
          : undefined,
      );
    expect(events[0]).toBeUndefined(); // sync
    expect(
      events
        .slice(1)
        .map((e) => e!.name)
        .sort(),
    ).toEqual(['ADD_GROUP_MEMBER', 'CREATE_GROUP', 'REMOVE_GROUP_MEMBER']);
    expect(events.find((e) => e?.name === 'ADD_GROUP_MEMBER')!.parameters).toEqual(
      expect.arrayContaining([
        { name: 'GROUP_EMAIL', value: 'push-team@example.com' },
        { name: 'USER_EMAIL', value: member.primaryEmail },
      ]),
    );
    await reports.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } });
  });

  it('activities.watch needs the Reports audit scope', async () => {
    const error = await failure(
      new admin_reports_v1.Admin({ auth: await delegatedAuth(emulator), rootUrl: `${emulator.origin}/`, retry: false }).activities.watch({
        userKey: 'all',
        applicationName: 'admin',
        requestBody: { id: 'no-scope', type: 'web_hook', address },
      }),
    );
    expect(error.status).toBe(403);
  });

  it('dropped notifications leave a gap in message numbers; an expired channel sends nothing', async () => {
    const channel = await watchUsers();
    const user = emulator.directory.users.find((u) => !u.deletionTime && !u.isAdmin)!;
    emulator.push.setSettings({ dropRate: 1 });
    await directory.users.patch({ userKey: user.id, requestBody: { name: { givenName: 'Dropped', familyName: 'Once' } } });
    emulator.push.setSettings({ dropRate: 0 });
    await directory.users.patch({ userKey: user.id, requestBody: { name: { givenName: 'Seen', familyName: 'Twice' } } });
    await emulator.push.idle();
    expect(received.filter((r) => r.headers['x-goog-channel-id'] === channel.id).map((r) => r.headers['x-goog-message-number'])).toEqual([
      '1',
      '3',
    ]);
    expect(emulator.push.expireNow(channel.id!)).toBe(true);
    await directory.users.patch({ userKey: user.id, requestBody: { name: { givenName: 'After', familyName: 'Expiry' } } });
    await emulator.push.idle();
    expect(received.filter((r) => r.headers['x-goog-channel-id'] === channel.id)).toHaveLength(2);
  });

  it('duplicate rate sends the same message number twice', async () => {
    const channel = await watchUsers();
    emulator.push.setSettings({ duplicateRate: 1 });
    const user = emulator.directory.users.find((u) => !u.deletionTime && !u.isAdmin)!;
    await directory.users.patch({ userKey: user.id, requestBody: { orgUnitPath: '/Sales' } });
    await emulator.push.idle();
    expect(received.filter((r) => r.headers['x-goog-channel-id'] === channel.id).map((r) => r.headers['x-goog-message-number'])).toEqual([
      '1',
      '2',
      '2',
    ]);
  });
});
