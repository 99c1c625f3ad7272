/**
 * What the Gmail, Drive and Calendar routes share: the user a bearer token speaks for (these APIs
 * act as the signed-in user, never as a bare service account) and RFC 3339 times as Google writes them.
 */
import type { EmulatorContext } from '../module.js';
import { GoogleApiError, type EmulatorRequest } from '../http.js';
import type { DirectoryUserResource } from '../seed/model.js';
import type { PersonalData } from '../seed/personal.js';

export interface Caller {
  readonly user: DirectoryUserResource;
  readonly data: PersonalData;
  readonly scopes: readonly string[];
}

/** Checks the token for one of `acceptedScopes` and resolves the live user it was issued to. */
export function callerFor(context: EmulatorContext, request: EmulatorRequest, acceptedScopes: readonly string[]): Caller {
  const grant = context.authorize(request, acceptedScopes);
  const user = grant.email ? context.directory.user(grant.email) : undefined;
  if (!user || user.deletionTime || user.suspended) {
    throw new GoogleApiError(
      401,
      'authError',
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
    );
  }
  return { user, data: context.personal.for(user), scopes: grant.scopes };
}

/** `me` or the caller's own address: Google's personal APIs refuse anyone else's mailbox or calendar. */
export function isSelf(key: string, user: DirectoryUserResource): boolean {
  const lower = key.toLowerCase();
  return lower === 'me' || lower === user.primaryEmail.toLowerCase() || (user.aliases ?? []).some((a) => a.toLowerCase() === lower);
}

export function rfc3339(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** A parsed JSON request body, or Google's 400 for anything else. */
export function jsonBody(request: EmulatorRequest): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(request.body || '{}');
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new GoogleApiError(400, 'parseError', 'Parse Error');
}
