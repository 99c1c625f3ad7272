/**
 * Sign-in's cookies. All carry the `__Host-` prefix (Secure, Path=/, no Domain: the browser refuses
 * to let a sibling subdomain set or shadow them), HttpOnly (no script reads them) and
 * SameSite=Lax: sent on the top-level GET navigation back from Google, withheld from cross-site
 * subrequests and POSTs.
 */
export const SESSION_COOKIE = '__Host-wb-session';
const TRANSACTION_COOKIE_PREFIX = '__Host-wb-tx-';
/** How much of the state names a transaction cookie: enough that parallel sign-ins never collide. */
const STATE_PREFIX_LENGTH = 16;

export function setCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

export function clearCookie(name: string): string {
  return setCookie(name, '', 0);
}

/** One cookie per login transaction, named after its state so two tabs signing in at once do not overwrite each other. */
export function transactionCookieName(state: string): string {
  return `${TRANSACTION_COOKIE_PREFIX}${state.slice(0, STATE_PREFIX_LENGTH)}`;
}

/** Exactly the names transactionCookieName issues: only these are ever named back in a Set-Cookie (to evict or delete them). */
const TRANSACTION_COOKIE_NAME = new RegExp(`^${TRANSACTION_COOKIE_PREFIX}[A-Za-z0-9_-]{${STATE_PREFIX_LENGTH}}$`);

export function isTransactionCookie(name: string): boolean {
  return TRANSACTION_COOKIE_NAME.test(name);
}
