/**
 * `npm run google-admin`, the admin's tool for trying push locally: each command changes the
 * emulator's directory through Google's own client with the read-write admin scopes, and the tool
 * refuses an API root off the loopback interface unless told explicitly.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { admin_directory_v1 } from '@googleapis/admin';
import type { Emulator } from '../../local/emulator/emulator.js';
import { DIRECTORY_READONLY_SCOPES } from '../../local/emulator/directory/scopes.js';
import {
  ADMIN_WRITE_SCOPES,
  adminTarget,
  emailFor,
  googleAdminClient,
  parseCommand,
  RefusedTarget,
  runCommand,
  splitName,
} from '../../local/google-admin.js';
import { runCli } from '../support/cli.js';
import { startTestEmulator } from '../support/emulator.js';

let emulator: Emulator;
let admin: admin_directory_v1.Admin;
let subject: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ users: 20, groups: 4 });
  emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, ...ADMIN_WRITE_SCOPES]);
  subject = emulator.directory.admin.primaryEmail;
  admin = googleAdminClient({ rootUrl: `${emulator.origin}/`, keyText: await readFile(emulator.serviceAccountKeyPath, 'utf8'), subject });
}, 60_000);
afterAll(() => emulator?.stop());

const run = (argv: string[]) => runCommand(admin, parseCommand(argv)!.command, subject);
const liveUser = (n: number) => emulator.directory.users.filter((u) => !u.isAdmin && !u.suspended && !u.deletionTime)[n]!;

describe('the admin tool against the emulator', () => {
  it('hires: users.insert at first.last@ the admin domain, seen in the emulator directory', async () => {
    const hired = (await run(['hire', 'Zoë van Dijk'])) as { id: string; primaryEmail: string };
    const domain = subject.split('@')[1];
    expect(hired.primaryEmail).toBe(`zoe.van.dijk@${domain}`);
    const stored = emulator.directory.user(hired.id);
    expect(stored?.name).toMatchObject({ givenName: 'Zoë van', familyName: 'Dijk' });
    expect(stored?.suspended).toBeFalsy();
  });

  it('renames, suspends and unsuspends by email address', async () => {
    const person = liveUser(2);
    await run(['rename', person.primaryEmail, 'Renamed Person']);
    expect(emulator.directory.user(person.id)?.name).toMatchObject({ givenName: 'Renamed', familyName: 'Person' });
    await run(['suspend', person.primaryEmail]);
    expect(emulator.directory.user(person.id)?.suspended).toBe(true);
    await run(['unsuspend', person.id]);
    expect(emulator.directory.user(person.id)?.suspended).toBe(false);
  });

  it('adds a member to a group and removes them', async () => {
    const group = emulator.directory.groups[0]!;
    const person = emulator.directory.users.find(
      (u) => !u.isAdmin && !u.deletionTime && !emulator.directory.members(group.id).some((m) => m.id === u.id),
    )!;
    await run(['add-member', group.email, person.primaryEmail]);
    expect(emulator.directory.members(group.id).map((m) => m.id)).toContain(person.id);
    await run(['remove-member', group.email, person.primaryEmail]);
    expect(emulator.directory.members(group.id).map((m) => m.id)).not.toContain(person.id);
  });

  it('fails, changing nothing, when the read-write scopes are not delegated', async () => {
    emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES]);
    try {
      const person = liveUser(4);
      const readOnly = googleAdminClient({
        rootUrl: `${emulator.origin}/`,
        keyText: await readFile(emulator.serviceAccountKeyPath, 'utf8'),
        subject,
      });
      await expect(runCommand(readOnly, { name: 'suspend', user: person.id }, subject)).rejects.toThrow(/unauthorized_client/);
      expect(emulator.directory.user(person.id)?.suspended).toBeFalsy();
    } finally {
      emulator.setDelegatedScopes([...DIRECTORY_READONLY_SCOPES, ...ADMIN_WRITE_SCOPES]);
    }
  });
});

describe('the admin tool refuses anything but the local emulator unless told explicitly', () => {
  it('accepts loopback roots only, or any root with allowRemote', () => {
    for (const local of ['http://localhost:4000/', 'http://127.0.0.1:39123/', 'http://[::1]:4000/'])
      expect(adminTarget(local).href).toBe(local);
    for (const remote of [
      'https://admin.googleapis.com/',
      'https://www.googleapis.com/',
      'http://10.0.0.5:4000/',
      'http://localhost.example.com/',
    ])
      expect(() => adminTarget(remote)).toThrow(RefusedTarget);
    expect(() => googleAdminClient({ rootUrl: 'https://admin.googleapis.com/', keyText: '{}', subject })).toThrow(/--allow-remote/);
    expect(adminTarget('https://admin.googleapis.com/', true).origin).toBe('https://admin.googleapis.com');
  });

  it('parses each command, and nothing else', () => {
    expect(parseCommand(['hire', 'New Hire'])).toEqual({ command: { name: 'hire', fullName: 'New Hire' }, allowRemote: false });
    expect(parseCommand(['add-member', 'g@example.com', 'u@example.com', '--allow-remote'])).toEqual({
      command: { name: 'add-member', group: 'g@example.com', user: 'u@example.com' },
      allowRemote: true,
    });
    for (const bad of [
      [],
      ['hire'],
      ['suspend', 'a', 'b'],
      ['rename', 'a'],
      ['remove-member', 'g'],
      ['delete', 'a'],
      ['hire', 'a', 'b', 'c'],
    ])
      expect(parseCommand(bad), bad.join(' ')).toBeUndefined();
    expect(splitName('  Ada  ')).toEqual({ givenName: 'Ada', familyName: 'Ada' });
    expect(() => emailFor('---', 'example.com')).toThrow(/pass one/);
  });
});

describe('npm run google-admin', () => {
  const cli = (args: string[], env: Record<string, string>) =>
    runCli('local/google-admin-cli.ts', args, {
      GOOGLE_API_ROOT: '',
      GOOGLE_EMULATOR_PORT: new URL(emulator.origin).port,
      GOOGLE_ADMIN_SUBJECT: subject,
      SYNC_LOCAL_STATE_DIR: dirname(dirname(emulator.serviceAccountKeyPath)),
      ...env,
    });

  it(
    'finds the emulator by GOOGLE_EMULATOR_PORT and the key in the state directory, and prints the change',
    { timeout: 30_000 },
    async () => {
      const { code, stdout, stderr } = await cli(['hire', 'Cli Newhire'], {});
      expect(stderr).toContain('hire: done');
      expect(code).toBe(0);
      const hired = JSON.parse(stdout) as { id: string; primaryEmail: string };
      expect(emulator.directory.user(hired.id)?.primaryEmail).toBe(hired.primaryEmail);
    },
  );

  it('refuses a real Google root with exit code 2, and says how to allow it', { timeout: 30_000 }, async () => {
    const { code, stderr } = await cli(['suspend', liveUser(1).primaryEmail], { GOOGLE_API_ROOT: 'https://admin.googleapis.com/' });
    expect(code).toBe(2);
    expect(stderr).toContain('Refusing to change the directory at https://admin.googleapis.com');
    expect(emulator.directory.user(liveUser(1).id)?.suspended).toBeFalsy();
  });

  it('prints the usage for an unknown command, with exit code 2', { timeout: 30_000 }, async () => {
    const { code, stderr } = await cli(['fire', 'someone'], {});
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run google-admin');
  });
});
