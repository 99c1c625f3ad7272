import type { DirectorySource } from '../../adapters/google/directory-source.js';
import { isListed } from '../../domain/people/directory-index.js';
import { appendDelta, applyDelta, emptyDelta, isDeltaEmpty, type Snapshot, type SnapshotDelta } from '../../domain/sync/snapshot.js';

export interface FetchOptions {
  /** Calls in flight at once (the limiter spaces them). */
  readonly concurrency: number;
  /** Checked before each call: true when the invocation must checkpoint and hand over. */
  readonly shouldStop: () => boolean;
}

type Task = () => Promise<void>;

/**
 * Fetches whatever the snapshot still lacks, concurrently: domains, schemas, the users and groups
 * lists (each a chain of pages), each domain's public view of its users (once domains are known),
 * and every group's members (a chain per group, started as soon as the group is listed). Every
 * completed page goes into the snapshot and into the delta that the next checkpoint stages; a page
 * in flight when the run stops is simply fetched again next time.
 */
export class SnapshotFetcher {
  private delta: SnapshotDelta = emptyDelta();
  private readonly queue: Task[] = [];
  private active = 0;
  private failure: unknown;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly source: DirectorySource,
    readonly snapshot: Snapshot,
  ) {}

  /** The pages fetched since the previous call: what a checkpoint stages. */
  takeDelta(): SnapshotDelta {
    const taken = this.delta;
    this.delta = emptyDelta();
    return taken;
  }

  /** Whether pages were fetched since the last takeDelta(): what the next checkpoint would stage. */
  hasPendingPages(): boolean {
    return !isDeltaEmpty(this.delta);
  }

  /**
   * Returns a taken delta that could not be staged, ahead of the pages fetched since: the next
   * checkpoint stages them all. Dropped instead, a later checkpoint would record later page tokens
   * without these pages, and a resumed run would take their users and groups for deleted.
   */
  putBack(taken: SnapshotDelta): void {
    const since = this.delta;
    this.delta = taken;
    appendDelta(this.delta, since);
  }

  /** Resolves 'complete' when nothing is left to fetch, 'stopped' when shouldStop() said so first. */
  async run(options: FetchOptions): Promise<'complete' | 'stopped'> {
    this.seed();
    const workers = Array.from({ length: options.concurrency }, () => this.work(options));
    await Promise.all(workers);
    if (this.failure !== undefined) throw this.failure;
    return this.queue.length === 0 ? 'complete' : 'stopped';
  }

  private seed(): void {
    const s = this.snapshot;
    if (!s.domains) {
      this.queue.push(async () => {
        this.record({ ...emptyDelta(), domains: await this.source.listDomains() });
        this.queuePublicListings();
      });
    }
    this.queuePublicListings();
    if (!s.schemas) this.queue.push(() => this.source.listSchemas().then((schemas) => this.record({ ...emptyDelta(), schemas })));
    if (!s.usersCursor.done) this.queue.push(this.usersPage(s.usersCursor.next));
    if (!s.groupsCursor.done) this.queue.push(this.groupsPage(s.groupsCursor.next));
    for (const group of s.groups) {
      const entry = s.members.get(group.id);
      if (!entry?.done) this.queue.push(this.membersPage(group.id, entry?.next));
    }
  }

  private usersPage(token: string | undefined): Task {
    return async () => {
      const page = await this.source.listUsers(token);
      this.record({ ...emptyDelta(), users: page.items, usersCursor: { next: page.nextPageToken, done: !page.nextPageToken } });
      if (page.nextPageToken) this.queue.unshift(this.usersPage(page.nextPageToken));
      else this.queuePublicListings();
    };
  }

  /**
   * Each domain's public view, once the domains are known and the users list is read (whichever
   * comes last queues it): a run that hands over early has then read the users list alone.
   */
  private queuePublicListings(): void {
    const s = this.snapshot;
    if (!s.domains || !s.usersCursor.done) return;
    for (const { domainName } of s.domains) {
      const cursor = s.publicCursors[domainName];
      if (!cursor?.done) this.queue.push(this.publicUsersPage(domainName, cursor?.next));
    }
  }

  /** One page of what a domain's employees see of its users (one chain per domain). */
  private publicUsersPage(domain: string, token: string | undefined): Task {
    return async () => {
      const page = await this.source.listPublicUsers(domain, token);
      this.record({
        ...emptyDelta(),
        publicProfiles: page.items,
        publicCursors: { [domain]: { next: page.nextPageToken, done: !page.nextPageToken } },
      });
      if (page.nextPageToken) this.queue.unshift(this.publicUsersPage(domain, page.nextPageToken));
    };
  }

  private groupsPage(token: string | undefined): Task {
    return async () => {
      const page = await this.source.listGroups(token);
      this.record({ ...emptyDelta(), groups: page.items, groupsCursor: { next: page.nextPageToken, done: !page.nextPageToken } });
      if (page.nextPageToken) this.queue.unshift(this.groupsPage(page.nextPageToken));
      for (const group of page.items) this.queue.push(this.membersPage(group.id, undefined));
    };
  }

  /**
   * Looks up, one call each, stored users and groups the lists did not return. A list that changes
   * while it is paged (a rename moving an item to a page already read) can miss an item that still
   * exists; only those Google answers 404 for are gone. One still there joins the snapshot (a user
   * with their public view, a second users.get; a group with its members), so the run neither
   * tombstones it nor ends its sessions.
   */
  async confirmMissing(
    missing: { readonly users: readonly string[]; readonly groups: readonly string[] },
    options: FetchOptions,
  ): Promise<'complete' | 'stopped'> {
    for (const id of missing.users) {
      this.queue.push(async () => {
        const user = await this.source.getUser(id);
        if (!user) return;
        // The public view the domain listing would have given, so colleagues see the user as after any run.
        const profile = isListed(user) ? await this.source.getPublicUser(user.id) : undefined;
        this.record({ ...emptyDelta(), users: [user], publicProfiles: profile ? [profile] : [] });
      });
    }
    for (const id of missing.groups) {
      this.queue.push(async () => {
        const group = await this.source.getGroup(id);
        if (!group) return;
        this.record({ ...emptyDelta(), groups: [group] });
        this.queue.unshift(this.membersPage(group.id, undefined));
      });
    }
    return this.run(options);
  }

  private membersPage(groupId: string, token: string | undefined): Task {
    return async () => {
      const page = await this.source.listMembers(groupId, token);
      if (!page) {
        this.record({ ...emptyDelta(), memberPages: [{ groupId, members: [], cursor: { done: true }, gone: true }] });
        return;
      }
      this.record({
        ...emptyDelta(),
        memberPages: [{ groupId, members: page.items, cursor: { next: page.nextPageToken, done: !page.nextPageToken } }],
      });
      // A group's remaining pages go first: a finished group is one less partial entry to checkpoint.
      if (page.nextPageToken) this.queue.unshift(this.membersPage(groupId, page.nextPageToken));
    };
  }

  private record(page: SnapshotDelta): void {
    applyDelta(this.snapshot, page);
    appendDelta(this.delta, page);
  }

  private async work(options: FetchOptions): Promise<void> {
    while (this.failure === undefined && !options.shouldStop()) {
      const task = this.queue.shift();
      if (!task) {
        if (this.active === 0) break;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      this.active += 1;
      try {
        await task();
      } catch (error) {
        this.failure ??= error;
      } finally {
        this.active -= 1;
        const waiters = this.waiters;
        this.waiters = [];
        waiters.forEach((wake) => wake());
      }
    }
    // Wake idle workers so they see the stop or the end too.
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((wake) => wake());
  }
}
