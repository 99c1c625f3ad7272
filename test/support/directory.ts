import type { DirectoryUser, SharedProfile } from '../../shared/domain/directory/model.js';

/**
 * A directory user with plausible defaults, for tests that seed the table directly. Unless `shared` is given, colleagues see every profile field (a domain that
 * shares all of them, the user in the directory): tests of what they may not see say so.
 */
export function makeUser(overrides: Partial<DirectoryUser> & Pick<DirectoryUser, 'id' | 'primaryEmail'>): DirectoryUser {
  const user: DirectoryUser = {
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
  if ('shared' in overrides) return user;
  const { aliases, title, department, locations, phones, managerEmail, keywords, customSchemas } = user;
  return {
    ...user,
    shared: JSON.parse(
      JSON.stringify({ aliases, title, department, locations, phones, managerEmail, keywords, customSchemas }),
    ) as SharedProfile,
  };
}
