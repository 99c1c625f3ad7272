/** The Admin SDK Directory API scopes, and which ones each emulated method accepts. */
const BASE = 'https://www.googleapis.com/auth/admin.directory.';

export const DIRECTORY_SCOPES = {
  user: `${BASE}user`,
  userReadonly: `${BASE}user.readonly`,
  group: `${BASE}group`,
  groupReadonly: `${BASE}group.readonly`,
  groupMember: `${BASE}group.member`,
  groupMemberReadonly: `${BASE}group.member.readonly`,
  domain: `${BASE}domain`,
  domainReadonly: `${BASE}domain.readonly`,
  userschema: `${BASE}userschema`,
  userschemaReadonly: `${BASE}userschema.readonly`,
} as const;

/** The read-only scopes directory sync asks for: the emulator's default delegation grant. */
export const DIRECTORY_READONLY_SCOPES = [
  DIRECTORY_SCOPES.userReadonly,
  DIRECTORY_SCOPES.groupReadonly,
  DIRECTORY_SCOPES.groupMemberReadonly,
  DIRECTORY_SCOPES.domainReadonly,
  DIRECTORY_SCOPES.userschemaReadonly,
] as const;

export const ACCEPTED_SCOPES = {
  users: [DIRECTORY_SCOPES.user, DIRECTORY_SCOPES.userReadonly],
  groups: [DIRECTORY_SCOPES.group, DIRECTORY_SCOPES.groupReadonly],
  members: [DIRECTORY_SCOPES.groupMember, DIRECTORY_SCOPES.groupMemberReadonly, DIRECTORY_SCOPES.group, DIRECTORY_SCOPES.groupReadonly],
  domains: [DIRECTORY_SCOPES.domain, DIRECTORY_SCOPES.domainReadonly],
  schemas: [DIRECTORY_SCOPES.userschema, DIRECTORY_SCOPES.userschemaReadonly],
} as const;

export function isDirectoryScope(scope: string): boolean {
  return scope.startsWith(BASE);
}
