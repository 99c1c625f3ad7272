/** What the Directory API handlers share: the tenant, bearer-token checks, and Google's argument rules. */
import { GoogleApiError, type EmulatorRequest } from '../http.js';
import type { Grant } from '../oauth/tokens.js';
import type { DirectoryStore } from './store.js';

export interface DirectoryContext {
  readonly directory: DirectoryStore;
  authorize(request: EmulatorRequest, acceptedScopes: readonly string[]): Grant;
}

export const NOT_AUTHORIZED = 'Not Authorized to access this resource/api';

/**
 * The caller must act as a live user of this tenant (a bare service-account token without
 * `subject` has no directory rights), and an admin for the admin view.
 */
export function requireCaller(store: DirectoryStore, grant: Grant, adminOnly: boolean): void {
  const user = grant.email ? store.user(grant.email) : undefined;
  if (!user || user.deletionTime || user.suspended || (adminOnly && !user.isAdmin)) {
    throw new GoogleApiError(403, 'forbidden', NOT_AUTHORIZED);
  }
}

/**
 * `customer` (my_customer or the customer id: every domain) or `domain` (one domain). Returns the
 * domain to restrict to, or undefined for the whole tenant. Neither is Google's 400 Bad Request.
 */
export function resolveScope(store: DirectoryStore, customer: string | null, domain: string | null): string | undefined {
  if (domain) {
    if (!store.isTenantDomain(domain)) throw new GoogleApiError(403, 'forbidden', NOT_AUTHORIZED);
    return domain.toLowerCase();
  }
  if (!customer) throw new GoogleApiError(400, 'badRequest', 'Bad Request');
  requireCustomer(store, customer);
  return undefined;
}

export function requireCustomer(store: DirectoryStore, customer: string): void {
  if (customer !== 'my_customer' && customer !== store.customerId) throw new GoogleApiError(403, 'forbidden', NOT_AUTHORIZED);
}

/** An enum query parameter; Google answers an unknown value with 400 invalidParameter. */
export function oneOf<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const value = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!value) throw new GoogleApiError(400, 'invalidParameter', `Invalid value for: ${name} is not a valid value`);
  return value;
}
