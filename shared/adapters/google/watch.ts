import { admin_directory_v1, admin_reports_v1 } from '@googleapis/admin';
import type { OAuth2Client } from 'google-auth-library';
import type { WatchedFeed } from '../dynamodb/push-channels.js';

/** A channel as Google opened it. */
export interface OpenedChannel {
  readonly resourceId: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

export interface ChannelRequest {
  readonly id: string;
  readonly token: string;
  readonly address: string;
  /** Epoch ms the channel should live until (Google may grant less). */
  readonly expiresAt: number;
}

/** Opens and stops notification channels (a port: Google's client below, faked by nothing, the emulator serves it locally). */
export interface WatchClient {
  watch(feed: WatchedFeed, request: ChannelRequest): Promise<OpenedChannel>;
  stop(feed: WatchedFeed, channelId: string, resourceId: string): Promise<void>;
}

/** The scopes the channel manager needs: users.watch reads users, activities.watch the audit log. */
export const WATCH_SCOPES = [
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
  'https://www.googleapis.com/auth/admin.reports.audit.readonly',
] as const;

/** users.watch for the whole customer; activities.watch for every user of the application; channels.stop on the API that opened the channel. */
export class GoogleWatchClient implements WatchClient {
  private readonly directory: admin_directory_v1.Admin;
  private readonly reports: admin_reports_v1.Admin;

  constructor(auth: OAuth2Client, rootUrl: string) {
    this.directory = new admin_directory_v1.Admin({ auth, rootUrl });
    this.reports = new admin_reports_v1.Admin({ auth, rootUrl });
  }

  async watch(feed: WatchedFeed, request: ChannelRequest): Promise<OpenedChannel> {
    const requestBody = {
      id: request.id,
      type: 'web_hook',
      address: request.address,
      token: request.token,
      expiration: String(request.expiresAt),
    };
    const { data } =
      feed === 'users'
        ? await this.directory.users.watch({ customer: 'my_customer', requestBody })
        : await this.reports.activities.watch({ userKey: 'all', applicationName: feed, requestBody });
    if (!data.resourceId) throw new Error(`Google opened the ${feed} channel without a resource id.`);
    return { resourceId: data.resourceId, expiresAt: Number(data.expiration ?? request.expiresAt) };
  }

  async stop(feed: WatchedFeed, channelId: string, resourceId: string): Promise<void> {
    const requestBody = { id: channelId, resourceId };
    if (feed === 'users') await this.directory.channels.stop({ requestBody });
    else await this.reports.channels.stop({ requestBody });
  }
}
