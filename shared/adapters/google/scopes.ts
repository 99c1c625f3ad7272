/**
 * The read-only scopes directory sync asks for, each with what it reads. Exactly these must be
 * listed for the service account's client id under domain-wide delegation.
 */
export const SYNC_SCOPES = [
  { scope: 'https://www.googleapis.com/auth/admin.directory.user.readonly', reads: 'users (users.list)' },
  { scope: 'https://www.googleapis.com/auth/admin.directory.group.readonly', reads: 'groups (groups.list)' },
  { scope: 'https://www.googleapis.com/auth/admin.directory.group.member.readonly', reads: 'group members (members.list)' },
  { scope: 'https://www.googleapis.com/auth/admin.directory.domain.readonly', reads: 'domains (domains.list)' },
  { scope: 'https://www.googleapis.com/auth/admin.directory.userschema.readonly', reads: 'custom user schemas (schemas.list)' },
] as const;

/**
 * What push-driven sync needs beyond the read-only scopes: users.watch runs on the user scope
 * above; group and membership changes come only from the audit log (Reports activities.watch).
 */
export const PUSH_SCOPES = [
  {
    scope: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
    reads: 'group and membership changes (Reports activities.watch, for push-driven sync)',
  },
] as const;

export const SYNC_SCOPE_URLS: readonly string[] = SYNC_SCOPES.map((s) => s.scope);

/** Where a Workspace super admin grants scopes to a service account's client id. */
export const DELEGATION_CONSOLE =
  'Admin console > Security > Access and data control > API controls > Manage Domain Wide Delegation (https://admin.google.com/ac/owl/domainwidedelegation)';
