/**
 * The intranet's own API (same origin, session cookie). Each call is one function with its path;
 * a 404 means "not deployed yet" and becomes NotAvailableError so pages can say so instead of
 * crashing; a 401 means the session ended.
 */
import type {
  DirectMember,
  Group,
  Me,
  MembershipGroup,
  OrgPerson,
  Page,
  PeopleSearchPage,
  PendingDiff,
  Profile,
  PushStatus,
  Session,
  SyncProgress,
  SyncRun,
  TransitiveMember,
  WebConfig,
} from './types.js';

/** What the people list asks for: words, facet values and a manager's id, each optional (the page's URL holds the same names). */
export interface PeopleQuery {
  readonly q?: string;
  readonly department?: string;
  readonly location?: string;
  readonly title?: string;
  readonly manager?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The endpoint answered 404 for its route: that part of the API is not deployed. */
export class NotAvailableError extends ApiError {
  override name = 'NotAvailableError';
}

/**
 * Hex SHA-256 of a request body. Deployed, CloudFront signs each API request to its Lambda function
 * URL (origin access control) but cannot hash a body for the signature: the viewer must send
 * `x-amz-content-sha256` on anything but GET/HEAD, or the function URL answers 403.
 */
async function payloadHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Fires once when the intranet answers 401 to a signed-in page (the session was revoked, signed out
 * elsewhere, or expired): the shell then says so once instead of every region showing an error.
 */
export const sessionEnded = new EventTarget();

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (text !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-amz-content-sha256'] = await payloadHash(text ?? '');
  let response: Response;
  try {
    response = await fetch(path, { method, credentials: 'same-origin', headers, ...(text === undefined ? {} : { body: text }) });
  } catch {
    throw new ApiError(0, 'network', 'The intranet could not be reached. Check your connection and try again.');
  }
  if (response.status === 204) return undefined as T;
  const parsed = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  if (response.ok) return parsed as T;
  const code = parsed?.error?.code ?? `http_${response.status}`;
  const message = parsed?.error?.message ?? `The intranet answered ${response.status}.`;
  if (response.status === 404 && code === 'not_found' && /^No route/.test(message)) {
    throw new NotAvailableError(404, code, 'This part of the intranet is not available yet. Ask your administrator.');
  }
  if (response.status === 401) {
    sessionEnded.dispatchEvent(new Event('ended'));
    throw new ApiError(401, code, 'Your session ended. Sign in again.');
  }
  if (response.status === 403) throw new ApiError(403, code, 'You do not have access to this page.');
  throw new ApiError(response.status, code, message);
}

const get = <T>(path: string) => request<T>('GET', path);
const qs = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
  const text = search.toString();
  return text ? `?${text}` : '';
};
const id = encodeURIComponent;

export const api = {
  config: () => get<WebConfig>('/api/config'),
  /** undefined when nobody is signed in (401). */
  me: async (): Promise<Me | undefined> => {
    try {
      return await get<Me>('/api/me');
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return undefined;
      throw error;
    }
  },
  sessions: () => get<{ sessions: readonly Session[] }>('/api/me/sessions').then((answer) => answer.sessions),
  endSession: (sessionId: string) => request<void>('DELETE', `/api/me/sessions/${id(sessionId)}`),
  logout: () => request<void>('POST', '/auth/logout'),
  logoutEverywhere: () => request<void>('POST', '/auth/logout-everywhere'),
  people: (query: PeopleQuery, cursor?: string) => get<PeopleSearchPage>(`/api/people${qs({ ...query, cursor })}`),
  person: (personId: string) => get<Profile>(`/api/people/${id(personId)}`),
  reports: (personId: string, cursor?: string) => get<Page<OrgPerson>>(`/api/people/${id(personId)}/reports${qs({ cursor })}`),
  personGroups: (personId: string, cursor?: string) => get<Page<MembershipGroup>>(`/api/people/${id(personId)}/groups${qs({ cursor })}`),
  groups: (q: string | undefined, cursor?: string) => get<Page<Group>>(`/api/groups${qs({ q, cursor })}`),
  group: (groupId: string) => get<Group>(`/api/groups/${id(groupId)}`),
  members: (groupId: string, cursor?: string) => get<Page<DirectMember>>(`/api/groups/${id(groupId)}/members${qs({ cursor })}`),
  allMembers: (groupId: string, cursor?: string) =>
    get<Page<TransitiveMember>>(`/api/groups/${id(groupId)}/members${qs({ transitive: 'true', cursor })}`),
  syncRuns: () => get<Page<SyncRun>>('/api/admin/sync/runs'),
  runSync: (force: boolean) => request<{ started: string; force: boolean }>('POST', '/api/admin/sync/run', { force }),
  revokeSessions: (userId: string) =>
    request<{ userId: string; revoked: number }>('POST', `/api/admin/users/${id(userId)}/sessions/revoke`),
  pendingDiff: () => get<{ pending: PendingDiff | null }>('/api/admin/sync/pending').then((answer) => answer.pending),
  syncProgress: () => get<{ progress: SyncProgress | null }>('/api/admin/sync/progress').then((answer) => answer.progress),
  pushStatus: () => get<PushStatus>('/api/admin/push'),
};

/** Where the Sign-in button goes: the server-side login, returning here afterwards. */
export function loginUrl(returnTo: string): string {
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}`;
}
