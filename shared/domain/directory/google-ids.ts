/**
 * The one shape of a Google user id: the ID token's `sub` and the Directory API user `id`, the same
 * value. Google documents `sub` only as a case-sensitive string of at most 255 ASCII characters,
 * unique and never reused; the ids it issues are decimal strings (21 digits today). So the shape
 * takes the documented length and letters, digits, `-` and `_` rather than digits only: a longer or
 * alphanumeric id, which the documentation allows, is still accepted, while what the shape refuses
 * Google has never issued and would be unsafe here: an `@` would make users.get read it as an
 * email (its userKey takes both), and `/`, `.`, `%` or spaces would change the meaning of a URL
 * path segment. 255 characters stay far inside DynamoDB's key size limits.
 */
export const GOOGLE_USER_ID = /^[0-9A-Za-z_-]{1,255}$/;

/** Whether `value` is a Google user id (see GOOGLE_USER_ID): never an email. */
export function isGoogleUserId(value: unknown): value is string {
  return typeof value === 'string' && GOOGLE_USER_ID.test(value);
}
