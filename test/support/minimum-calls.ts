import type { DirectoryStore } from '../../local/emulator/directory/store.js';

/**
 * The fewest Directory calls a full sync's fetch can make of this tenant, every list paged at
 * Google's largest page size: domains + schemas + users pages + each domain's public-view pages
 * (the users its employees can find: what they may see) + groups pages + every group's members pages.
 */
export function minimumSyncCalls(directory: DirectoryStore): number {
  const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));
  const live = directory.users.filter((u) => !u.deletionTime);
  const publicCalls = directory.data.domains.reduce(
    (sum, { domainName }) =>
      sum +
      pages(live.filter((u) => !u.suspended && u.includeInGlobalAddressList && u.primaryEmail.endsWith(`@${domainName}`)).length, 500),
    0,
  );
  const memberCalls = directory.groups.reduce((sum, g) => sum + pages(directory.members(g.id).length, 200), 0);
  return 2 + pages(live.length, 500) + publicCalls + pages(directory.groups.length, 200) + memberCalls;
}
