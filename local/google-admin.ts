/**
 * An admin's tool for trying push-driven sync locally: it changes the directory as a Workspace
 * admin would, through Google's own Directory API client (@googleapis/admin) with the read-write
 * admin scopes, delegated with the emulator's service-account key in .local/. Each change makes the
 * emulator send its push notification, so the running intranet shows it seconds later.
 *
 * It refuses any API root that is not on the loopback interface unless asked explicitly
 * (`allowRemote`), so nobody edits a real tenant by accident.
 */
import { randomBytes } from 'node:crypto';
import { admin_directory_v1 } from '@googleapis/admin';
import { delegatedJwtClient, isLoopbackUrl, parseServiceAccountKey } from '../shared/adapters/google/service-account-client.js';
import { DIRECTORY_SCOPES } from './emulator/directory/scopes.js';
import { withEmulatorTokenUri } from './local-dependencies.js';

/** What an admin's tools ask for: users and groups (with their members), read-write. */
export const ADMIN_WRITE_SCOPES = [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.group] as const;

export class RefusedTarget extends Error {
  override name = 'RefusedTarget';
}

export interface AdminClientOptions {
  /** The Directory API's root, e.g. the emulator's `http://localhost:4000/`. */
  readonly rootUrl: string;
  /** The service-account key JSON (the emulator writes it to .local/google/service-account.json). */
  readonly keyText: string;
  /** The admin the key acts as (domain-wide delegation). */
  readonly subject: string;
  /** Allow an API root off the loopback interface: a real tenant. */
  readonly allowRemote?: boolean;
}

/** The API root, if the tool may change the directory there: the loopback interface, or anywhere when asked explicitly. */
export function adminTarget(rootUrl: string, allowRemote = false): URL {
  const root = URL.parse(rootUrl);
  if (!root) throw new RefusedTarget(`${rootUrl} is not a URL.`);
  if (!isLoopbackUrl(root) && !allowRemote)
    throw new RefusedTarget(
      `Refusing to change the directory at ${root.origin}: this tool edits the local emulator only. Pass --allow-remote to change that tenant on purpose.`,
    );
  return root;
}

/** Google's Directory API client for an admin, after the loopback check. */
export function googleAdminClient(options: AdminClientOptions): admin_directory_v1.Admin {
  const root = adminTarget(options.rootUrl, options.allowRemote);
  const key = parseServiceAccountKey(withEmulatorTokenUri(options.keyText, root.href));
  const auth = delegatedJwtClient(key, { subject: options.subject, scopes: ADMIN_WRITE_SCOPES });
  // No retries: an admin's one change either happens or says why at once.
  return new admin_directory_v1.Admin({ auth, rootUrl: root.href, retry: false });
}

/** A user as the tool reports it. */
export interface ChangedUser {
  readonly id: string;
  readonly primaryEmail: string;
  readonly fullName: string;
  readonly suspended: boolean;
}

const changedUser = (user: admin_directory_v1.Schema$User): ChangedUser => ({
  id: user.id ?? '',
  primaryEmail: user.primaryEmail ?? '',
  fullName: user.name?.fullName ?? [user.name?.givenName, user.name?.familyName].filter(Boolean).join(' '),
  suspended: user.suspended === true,
});

/** "Ada Lovelace" → given "Ada", family "Lovelace"; a single word is both, as Google needs both. */
export function splitName(fullName: string): { givenName: string; familyName: string } {
  const words = fullName.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) throw new Error('A name is needed.');
  return { givenName: words.length > 1 ? words.slice(0, -1).join(' ') : words[0]!, familyName: words.at(-1)! };
}

/** "Zoë van Dijk" at example.com → zoe.van.dijk@example.com. */
export function emailFor(fullName: string, domain: string): string {
  const local = fullName
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  if (!local) throw new Error(`No address can be made from "${fullName}": pass one.`);
  return `${local}@${domain}`;
}

/** users.insert: a new person, with a random password nobody needs (sign-in is through Google). */
export async function hire(admin: admin_directory_v1.Admin, fullName: string, primaryEmail: string): Promise<ChangedUser> {
  const { data } = await admin.users.insert({
    requestBody: { primaryEmail, name: splitName(fullName), password: randomBytes(24).toString('base64url') },
  });
  return changedUser(data);
}

/** users.patch of the name. `user` is an email address or a Google id. */
export async function rename(admin: admin_directory_v1.Admin, user: string, fullName: string): Promise<ChangedUser> {
  const { data } = await admin.users.patch({ userKey: user, requestBody: { name: splitName(fullName) } });
  return changedUser(data);
}

/** users.patch of `suspended`: a suspended person's intranet sessions end. */
export async function setSuspended(admin: admin_directory_v1.Admin, user: string, suspended: boolean): Promise<ChangedUser> {
  const { data } = await admin.users.patch({ userKey: user, requestBody: { suspended } });
  return changedUser(data);
}

/** members.insert as a plain member. `group` and `user` are email addresses or Google ids. */
export async function addMember(admin: admin_directory_v1.Admin, group: string, user: string): Promise<{ group: string; member: string }> {
  const { data } = await admin.members.insert({ groupKey: group, requestBody: { email: user, role: 'MEMBER' } });
  return { group, member: data.email ?? user };
}

/** members.delete. */
export async function removeMember(
  admin: admin_directory_v1.Admin,
  group: string,
  user: string,
): Promise<{ group: string; member: string }> {
  await admin.members.delete({ groupKey: group, memberKey: user });
  return { group, member: user };
}

/** One command line of `npm run google-admin -- …`. */
export type AdminCommand =
  | { readonly name: 'hire'; readonly fullName: string; readonly email?: string }
  | { readonly name: 'rename'; readonly user: string; readonly fullName: string }
  | { readonly name: 'suspend' | 'unsuspend'; readonly user: string }
  | { readonly name: 'add-member' | 'remove-member'; readonly group: string; readonly user: string };

export const USAGE = `Usage: npm run google-admin -- <command> [--allow-remote]
  hire "<Full Name>" [email]        users.insert (email: first.last@ the admin's domain)
  rename <user> "<Full Name>"       users.patch name
  suspend <user> | unsuspend <user> users.patch suspended
  add-member <group> <user>         members.insert
  remove-member <group> <user>      members.delete
<user> and <group> are email addresses or Google ids. Against the emulator on GOOGLE_EMULATOR_PORT
(or GOOGLE_API_ROOT), as GOOGLE_ADMIN_SUBJECT, with the key in .local/google/.`;

/** The command and whether `--allow-remote` was given; undefined for anything else (print USAGE). */
export function parseCommand(argv: readonly string[]): { command: AdminCommand; allowRemote: boolean } | undefined {
  const allowRemote = argv.includes('--allow-remote');
  const [name, a, b, ...rest] = argv.filter((arg) => arg !== '--allow-remote');
  if (rest.length > 0 || !a) return undefined;
  const command = ((): AdminCommand | undefined => {
    switch (name) {
      case 'hire':
        return { name, fullName: a, ...(b ? { email: b } : {}) };
      case 'rename':
        return b ? { name, user: a, fullName: b } : undefined;
      case 'suspend':
      case 'unsuspend':
        return b ? undefined : { name, user: a };
      case 'add-member':
      case 'remove-member':
        return b ? { name, group: a, user: b } : undefined;
      default:
        return undefined;
    }
  })();
  return command && { command, allowRemote };
}

/** Runs one command as `subject`; a new hire's address defaults to first.last@ the subject's domain. */
export function runCommand(admin: admin_directory_v1.Admin, command: AdminCommand, subject: string): Promise<object> {
  switch (command.name) {
    case 'hire':
      return hire(admin, command.fullName, command.email ?? emailFor(command.fullName, subject.slice(subject.indexOf('@') + 1)));
    case 'rename':
      return rename(admin, command.user, command.fullName);
    case 'suspend':
    case 'unsuspend':
      return setSuspended(admin, command.user, command.name === 'suspend');
    case 'add-member':
      return addMember(admin, command.group, command.user);
    case 'remove-member':
      return removeMember(admin, command.group, command.user);
  }
}
