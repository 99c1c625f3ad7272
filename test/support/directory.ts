import type { DirectoryUser } from '../../shared/domain/directory/model.js';

/** A directory user with plausible defaults, for tests that seed the table directly. */
export function makeUser(overrides: Partial<DirectoryUser> & Pick<DirectoryUser, 'id' | 'primaryEmail'>): DirectoryUser {
  return {
    aliases: [],
    name: { fullName: 'Test User', givenName: 'Test', familyName: 'User' },
    locations: [],
    phones: [],
    keywords: [],
    customSchemas: {},
    suspended: false,
    archived: false,
    isAdmin: false,
    visibleInDirectory: true,
    ...overrides,
  };
}
