/**
 * Issue 15's faults, beside test/integration/push.test.ts, each with an assertion that fails if the
 * defence goes: a flood of bad-token notifications (401 each, no Google call, nothing queued, no
 * write), duplicates and replays taken once while out-of-order numbers are each kept (the last state
 * wins), Google's duplicated deliveries queued once, lost notifications and a channel Google ended
 * early repaired by the full sync with that exact gap in push health, and Google's 429 with
 * Retry-After to the worker (it waits, then applies; nothing lost). Real parts throughout: the local
 * host over HTTP, the in-process worker, DynamoDB Local, the emulator through Google's own client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { admin_directory_v1 } from '@googleapis/admin';
import { DIRECTORY_SCOPES } from '../../local/emulator/directory/scopes.js';
import type { Channel } from '../../local/emulator/push/hub.js';
import type { LocalDependencies } from '../../local/local-dependencies.js';
import { listChannels } from '../../shared/adapters/dynamodb/push-channels.js';
import { getUserById } from '../../shared/adapters/dynamodb/users.js';
import type { PushStatus } from '../../shared/contract/api.js';
import type { PushChange } from '../../shared/domain/push/changes.js';
import { manageChannels } from '../../shared/services/push/manager.js';
import { createManagerDeps } from '../../shared/services/push/setup.js';
import { startDirectoryApp, type DirectoryApp } from '../support/directory-app.js';
import { directoryClient } from '../support/emulator.js';
import { eventually, openPushChannels } from '../support/push.js';
import { browserFetch, type CookieJar } from '../support/sign-in.js';

let app: DirectoryApp;
let deps: LocalDependencies;
let admin: admin_directory_v1.Admin;
let adminJar: CookieJar;
/** Added to the emulator's clock: puts it just before a minute's end, where its per-minute quota resets. */
let skew = 0;
/** Every change the receiver handed to the queue, in order. */
const queued: PushChange[] = [];

beforeAll(async () => {
  app = await startDirectoryApp({ users: 60, groups: 6, push: { auditLagMs: 100 }, now: () => Date.now() + skew });
  const { emulator } = app.harness;
  deps = app.app.deps as LocalDependencies;
  // Watch what reaches the real queue (the receiver reads deps.pushQueue on every request).
  const enqueue = deps.pushQueue.enqueue.bind(deps.pushQueue);
  deps.pushQueue.enqueue = async (changes) => {
    queued.push(...changes);
    return enqueue(changes);
  };
  await openPushChannels(emulator, deps);
  admin = await directoryClient(emulator, { scopes: [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group] });
  adminJar = await app.sessionFor(emulator.directory.admin.primaryEmail);
}, 120_000);

const liveUser = (n: number) => app.harness.emulator.directory.users.filter((u) => !u.deletionTime && !u.isAdmin && !u.suspended)[n]!;
/** Every notification delivered and every queued change applied. */
const settled = async () => {
  await app.harness.emulator.push.idle();
  await deps.pushQueue.idle();
};
afterAll(async () => {
  await settled();
  await app.close();
});
const familyName = async (id: string) =>
  ((await (await app.get(`/api/people/${id}`, adminJar)).json()) as { name?: { familyName?: string } }).name?.familyName;
/** The emulator's live users channel (the newest, once a successor opened). */
const usersChannel = (): Channel =>
  app.harness.emulator.push
    .list()
    .filter((c) => c.resource === 'directory.users' && !c.stopped && c.expiration > Date.now() + skew)
    .sort((a, b) => b.expiration - a.expiration)[0]!;

/** A users.watch notification as Google posts it, with the channel's real token unless told otherwise. */
const notify = (channel: Channel, messageNumber: number, userId: string, token = channel.token ?? '') =>
  browserFetch(app.app.origin, '/hooks/google', new Map(), {
    method: 'POST',
    headers: {
      'content-type': 'application/json; charset=UTF-8',
      'x-goog-channel-id': channel.id,
      'x-goog-channel-token': token,
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': 'update',
      'x-goog-message-number': String(messageNumber),
    },
    body: JSON.stringify({ kind: 'admin#directory#user', id: userId }),
  });

describe('a receiver flood with bad tokens', () => {
  it('answers every one 401, and costs no Google call, no queued work and no write', async () => {
    const channel = usersChannel();
    const [recordBefore] = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.id === channel.id);
    await settled();
    app.harness.emulator.resetCounters();
    queued.length = 0;
    // Count what the flood asks of DynamoDB, through the real client the receiver uses.
    const commands: string[] = [];
    const send = deps.db.send.bind(deps.db);
    deps.db.send = ((command: { constructor: { name: string } }, ...rest: unknown[]) => {
      commands.push(command.constructor.name);
      return (send as (...args: unknown[]) => unknown)(command, ...rest);
    }) as typeof deps.db.send;
    const N = 200;
    let answers: Response[];
    try {
      answers = await Promise.all(
        Array.from({ length: N }, (_, i) => notify(channel, 50_000 + i, liveUser(i % 20).id, `forged-${i}-${'x'.repeat(i % 40)}`)),
      );
    } finally {
      deps.db.send = send;
    }
    expect(answers.map((r) => r.status)).toEqual(Array.from({ length: N }, () => 401));
    expect(((await answers[0]!.json()) as { error: { code: string } }).error.code).toBe('invalid_token');
    await settled();
    expect(app.harness.emulator.counters()).toEqual({});
    expect(queued).toEqual([]);
    // One read of the channel per request, nothing written: no message number taken, no stats, no channel update.
    expect(commands).toEqual(Array.from({ length: N }, () => 'GetCommand'));
    const [recordAfter] = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.id === channel.id);
    expect(recordAfter!.lastMessageNumber).toBe(recordBefore!.lastMessageNumber);
    // The real token still works after the flood: the channel was not disabled by it.
    expect((await notify(channel, 60_000, liveUser(0).id)).status).toBe(200);
    await settled();
  });
});

describe('duplicated, replayed and out-of-order notifications', () => {
  it('takes each message number once, keeps late lower numbers, and the last state in Google wins', async () => {
    const person = liveUser(21);
    const channel = usersChannel();
    const { emulator } = app.harness;
    await settled();
    queued.length = 0;
    // Two changes in Google; their notifications arrive newest first, then the newest again (a replay).
    emulator.directory.updateUser(person.id, { name: { ...person.name, familyName: 'Older' } });
    emulator.directory.updateUser(person.id, { name: { ...person.name, familyName: 'Newest' } });
    const answers = [];
    for (const n of [70_002, 70_001, 70_002, 70_001])
      answers.push((await (await notify(channel, n, person.id)).json()) as { status: string });
    expect(answers.map((a) => a.status)).toEqual(['accepted', 'accepted', 'duplicate', 'duplicate']);
    await settled();
    expect(queued.filter((c) => c.kind === 'user' && c.userId === person.id).map((c) => c.messageNumber)).toEqual([70_002, 70_001]);
    expect(await familyName(person.id)).toBe('Newest');
  });

  it('queues each change once when Google delivers every notification twice, in shuffled order', async () => {
    const people = [liveUser(23), liveUser(24), liveUser(25)];
    const { emulator } = app.harness;
    await settled();
    queued.length = 0;
    const duplicatedBefore = emulator.push.counters.duplicated;
    emulator.push.setSettings({ duplicateRate: 1, jitterMs: 200 });
    try {
      for (const [i, person] of people.entries())
        await admin.users.patch({ userKey: person.id, requestBody: { name: { givenName: 'Twice', familyName: `Sent${i}` } } });
      await settled();
    } finally {
      emulator.push.setSettings({ duplicateRate: 0, jitterMs: 0 });
    }
    expect(emulator.push.counters.duplicated - duplicatedBefore).toBe(people.length);
    const ids = new Set(people.map((p) => p.id));
    expect(queued.filter((c) => c.kind === 'user' && ids.has(c.userId)).length).toBe(people.length);
    // The stored records and what colleagues find: each got Google's current state.
    for (const [i, person] of people.entries()) {
      expect((await getUserById(deps.db, deps.config.tableName, person.id))?.name.familyName).toBe(`Sent${i}`);
      await eventually(async () => {
        const found = (await (await app.get(`/api/people?q=${encodeURIComponent(`Twice Sent${i}`)}`, adminJar)).json()) as {
          items: { id: string }[];
        };
        expect(found.items.map((p) => p.id)).toContain(person.id);
      });
    }
  });
});

describe('group activities', () => {
  it("takes a group named by its Google id (groups_enterprise's group_id), not only by its address", async () => {
    const { emulator } = app.harness;
    const channel = emulator.push.list().find((c) => c.resource === 'reports.groups_enterprise' && !c.stopped)!;
    const group = emulator.directory.groups[0]!;
    await settled();
    queued.length = 0;
    const answer = await browserFetch(app.app.origin, '/hooks/google', new Map(), {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=UTF-8',
        'x-goog-channel-id': channel.id,
        'x-goog-channel-token': channel.token ?? '',
        'x-goog-resource-id': channel.resourceId,
        'x-goog-resource-state': 'add_member',
        'x-goog-message-number': '80001',
      },
      body: JSON.stringify({
        kind: 'admin#reports#activity',
        id: { time: new Date().toISOString(), applicationName: 'groups_enterprise' },
        events: [{ type: 'moderator_action', name: 'add_member', parameters: [{ name: 'group_id', value: group.id }] }],
      }),
    });
    expect(await answer.json()).toEqual({ status: 'accepted', changes: 1 });
    await settled();
    expect(queued).toMatchObject([{ kind: 'group', groupKey: group.id, event: 'add_member' }]);
  });
});

describe('lost notifications and a channel Google ends early', () => {
  it('the full sync repairs exactly what push missed, and push health reports that gap', async () => {
    const { emulator } = app.harness;
    await settled();
    const [lost, unheard] = [liveUser(27), liveUser(28)];
    // One notification dropped on the way; one change while Google has ended the users channel early
    // (the intranet's record still shows it live until its expiry: only reconciliation can see this).
    emulator.push.setSettings({ dropRate: 1 });
    try {
      await admin.users.patch({ userKey: lost.id, requestBody: { name: { givenName: 'Dropped', familyName: 'OnTheWay' } } });
      await settled();
    } finally {
      emulator.push.setSettings({ dropRate: 0 });
    }
    const channel = usersChannel();
    const [record] = (await listChannels(deps.db, deps.config.tableName)).filter((c) => c.id === channel.id);
    expect(emulator.push.expireNow(channel.id)).toBe(true);
    await admin.users.patch({ userKey: unheard.id, requestBody: { name: { givenName: 'Nobody', familyName: 'Listening' } } });
    await settled();
    expect(await familyName(lost.id)).not.toBe('OnTheWay');
    expect(await familyName(unheard.id)).not.toBe('Listening');

    const run = await app.harness.sync();
    if (!('record' in run) || run.status !== 'succeeded') throw new Error(`The full sync did not succeed: ${JSON.stringify(run)}`);
    expect(await familyName(lost.id)).toBe('OnTheWay');
    expect(await familyName(unheard.id)).toBe('Listening');
    const health = (await (await app.get('/api/admin/push', adminJar)).json()) as PushStatus;
    expect(health.fullSync.lastReconciliation).toMatchObject({
      runId: run.record.runId,
      created: 0,
      updated: 2,
      deleted: 0,
      memberships: { added: 0, removed: 0 },
    });
    // The manager's next run replaces the dead channel (push.test.ts follows changes through a successor).
    const report = await manageChannels(await createManagerDeps(deps, () => record!.expiresAt - 30 * 60_000));
    expect(report.opened.some((id) => id.startsWith('users-'))).toBe(true);
    await settled();
  });
});

describe("Google's 429 to the worker", () => {
  it('waits for the Retry-After that the per-minute quota gives, then applies the change: none lost', async () => {
    const { emulator } = app.harness;
    const person = liveUser(30);
    const channel = usersChannel();
    await settled();
    // The emulator's clock 2.5 s before a minute ends; its tenant quota spent for this minute.
    skew += (((57_500 - ((Date.now() + skew) % 60_000)) % 60_000) + 60_000) % 60_000;
    emulator.setLimits({ tenantQuotaPerMinute: 20 });
    const spend = await directoryClient(emulator);
    let refused = false;
    for (let i = 0; i < 30 && !refused; i++)
      refused = await spend.users.get({ userKey: person.id }).then(
        () => false,
        () => true,
      );
    expect(refused).toBe(true);
    try {
      emulator.directory.updateUser(person.id, { name: { ...person.name, familyName: 'Throttled' } });
      const notified = Date.now();
      expect((await notify(channel, 80_001, person.id)).status).toBe(200);
      let applied = 0;
      for (;;) {
        if ((await familyName(person.id)) === 'Throttled') break;
        expect(Date.now() - notified, 'applied within 20 s').toBeLessThan(20_000);
        await new Promise((ok) => setTimeout(ok, 100));
      }
      applied = Date.now() - notified;
      // Refused until the quota's minute ended (≈ 2.5 s away): an immediate apply would mean no 429 was met.
      expect(applied).toBeGreaterThanOrEqual(1_000);
    } finally {
      emulator.setLimits({ tenantQuotaPerMinute: 0 });
    }
  });
});
