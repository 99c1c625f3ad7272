/**
 * Google's push notifications as the Admin SDK sends them: notification channels opened by
 * `users.watch` (Directory) and `activities.watch` (Reports), ended by `channels.stop` or by their
 * expiry, and a POST per change to the channel's address with Google's `X-Goog-*` headers. The
 * first message on every channel is `sync` (message number 1); numbers then rise by one per
 * message, dropped ones included, so a receiver sees the gap.
 *
 * Faults for tests and the benchmark: a drop rate, a duplicate rate, a delivery jitter (which
 * reorders close messages) and early expiry of a channel. Reports notifications wait for the
 * audit lag first, as Google's audit events arrive minutes after the change.
 */
import { randomBytes } from 'node:crypto';
import { GoogleApiError } from '../http.js';

export type WatchedResource = 'directory.users' | 'reports.admin' | 'reports.groups_enterprise';

export interface PushSettings {
  /** Longest channel life the emulator grants (Google caps Directory/Reports channels at hours). */
  readonly maxChannelTtlMs: number;
  /** Channel life when the watch asks for none. */
  readonly defaultChannelTtlMs: number;
  /** Delay between a change and its Reports (audit) notification. */
  readonly auditLagMs: number;
  /** Share of notifications never sent (their message number is still used). */
  readonly dropRate: number;
  /** Share of notifications sent twice. */
  readonly duplicateRate: number;
  /** Each delivery waits a random 0..jitterMs more: close notifications then arrive out of order. */
  readonly jitterMs: number;
}

export const DEFAULT_PUSH_SETTINGS: PushSettings = {
  maxChannelTtlMs: 6 * 3_600_000,
  defaultChannelTtlMs: 6 * 3_600_000,
  auditLagMs: 2_000,
  dropRate: 0,
  duplicateRate: 0,
  jitterMs: 0,
};

export interface Channel {
  readonly id: string;
  readonly resourceId: string;
  readonly resourceUri: string;
  readonly resource: WatchedResource;
  readonly address: string;
  readonly token?: string;
  /** Epoch ms. */
  expiration: number;
  /** users.watch `event` filter (add, delete, update, makeAdmin, undelete); undefined: every event. */
  readonly event?: string;
  /** users.watch `domain`: only users of this domain; undefined: the whole customer. */
  readonly domain?: string;
  messageNumber: number;
  stopped: boolean;
}

export interface PushCounters {
  sent: number;
  dropped: number;
  duplicated: number;
  failed: number;
}

export interface WatchRequest {
  readonly resource: WatchedResource;
  readonly body: Record<string, unknown>;
  readonly resourceUri: string;
  readonly event?: string;
  readonly domain?: string;
}

/** Statuses Google treats as delivered; 500, 502, 503, 504 are retried with backoff, anything else is not. */
const RETRIED = new Set([500, 502, 503, 504]);
const DELIVERY_ATTEMPTS = 4;
const DELIVERY_TIMEOUT_MS = 10_000;

export class PushHub {
  private settingsNow: PushSettings;
  private readonly channels = new Map<string, Channel>();
  private readonly inFlight = new Set<Promise<void>>();
  readonly counters: PushCounters = { sent: 0, dropped: 0, duplicated: 0, failed: 0 };

  constructor(
    initial: Partial<PushSettings>,
    private readonly now: () => number,
    /** Uniform in [0, 1): seeded, so a fault sequence repeats for a seed. */
    private readonly random: () => number,
    private readonly retryBaseMs = 500,
  ) {
    this.settingsNow = validatePushSettings({ ...DEFAULT_PUSH_SETTINGS, ...initial });
  }

  get settings(): PushSettings {
    return this.settingsNow;
  }

  setSettings(changes: Partial<PushSettings>): PushSettings {
    this.settingsNow = validatePushSettings({ ...this.settingsNow, ...changes });
    return this.settingsNow;
  }

  /** Opens a channel (Google's Channel resource is the answer) and sends its `sync` message. */
  watch(request: WatchRequest): Record<string, unknown> {
    const { body } = request;
    const id = body.id;
    if (typeof id !== 'string' || id === '' || id.length > 64 || !/^[A-Za-z0-9\-_+/=]+$/.test(id))
      throw new GoogleApiError(400, 'required', 'Required: channel id (at most 64 characters of [A-Za-z0-9-_+/=]).');
    if (body.type !== 'web_hook' && body.type !== 'webhook')
      throw new GoogleApiError(400, 'invalid', 'Invalid value for: type (only web_hook).');
    const address = typeof body.address === 'string' ? deliveryAddress(body.address) : undefined;
    if (!address) throw new GoogleApiError(400, 'invalid', 'WebHook callback must be HTTPS: address.');
    if (body.token !== undefined && (typeof body.token !== 'string' || body.token.length > 256))
      throw new GoogleApiError(400, 'invalid', 'Invalid value for: token (a string of at most 256 characters).');
    if ([...this.channels.values()].some((c) => c.id === id && !c.stopped && c.expiration > this.now())) {
      throw new GoogleApiError(400, 'channelIdNotUnique', `Channel id ${id} not unique`);
    }
    const channel: Channel = {
      id,
      resource: request.resource,
      address: address.href,
      resourceUri: request.resourceUri,
      resourceId: randomBytes(16).toString('base64url'),
      ...(typeof body.token === 'string' ? { token: body.token } : {}),
      ...(request.event ? { event: request.event } : {}),
      ...(request.domain ? { domain: request.domain } : {}),
      expiration: this.now() + this.lifetime(body),
      messageNumber: 0,
      stopped: false,
    };
    this.channels.set(channelKey(channel.id, channel.resourceId), channel);
    this.notify(channel, 'sync', undefined, 0);
    return {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: channel.resourceUri,
      ...(channel.token !== undefined ? { token: channel.token } : {}),
      expiration: String(channel.expiration),
    };
  }

  /** channels.stop: Google's 404 when no live channel has this id and resource id. */
  stop(body: Record<string, unknown>): void {
    const channel =
      typeof body.id === 'string' && typeof body.resourceId === 'string'
        ? this.channels.get(channelKey(body.id, body.resourceId))
        : undefined;
    if (!channel || channel.stopped) throw new GoogleApiError(404, 'notFound', `Channel '${String(body.id)}' not found for project`);
    channel.stopped = true;
  }

  /** Fault: the channel stops delivering now, as if it had expired early. */
  expireNow(channelId: string): boolean {
    let found = false;
    for (const channel of this.channels.values()) {
      if (channel.id === channelId && !channel.stopped) {
        channel.expiration = Math.min(channel.expiration, this.now() - 1);
        found = true;
      }
    }
    return found;
  }

  /** A user changed through the Directory API: `event` is users.watch's event name. */
  userChanged(
    event: 'add' | 'delete' | 'update' | 'makeAdmin' | 'undelete',
    user: { id: string; etag: string; primaryEmail: string },
  ): void {
    const body = { kind: 'admin#directory#user', id: user.id, etag: user.etag, primaryEmail: user.primaryEmail };
    for (const channel of this.live('directory.users')) {
      if (channel.event && channel.event !== event) continue;
      if (channel.domain && !user.primaryEmail.endsWith(`@${channel.domain}`)) continue;
      this.notify(channel, event, body, 0);
    }
  }

  /** An audit event (an Activity resource of `applicationName`), delivered after the audit lag. */
  activity(
    applicationName: 'admin' | 'groups_enterprise',
    activity: Record<string, unknown> & { events: Array<{ name: string } & Record<string, unknown>> },
  ): void {
    for (const channel of this.live(`reports.${applicationName}`))
      this.notify(channel, activity.events[0]!.name, activity, this.settingsNow.auditLagMs);
  }

  list(): readonly Channel[] {
    return [...this.channels.values()];
  }

  /** Resolves when every notification started so far has been delivered or given up. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private live(resource: WatchedResource): Channel[] {
    const now = this.now();
    return [...this.channels.values()].filter((c) => c.resource === resource && !c.stopped && c.expiration > now);
  }

  private lifetime(body: Record<string, unknown>): number {
    const { maxChannelTtlMs, defaultChannelTtlMs } = this.settingsNow;
    const params = body.params as Record<string, unknown> | undefined;
    const ttlSeconds = Number(params?.ttl);
    const expiration = Number(body.expiration);
    let wanted = defaultChannelTtlMs;
    if (Number.isFinite(ttlSeconds) && ttlSeconds > 0) wanted = ttlSeconds * 1000;
    else if (Number.isFinite(expiration) && expiration > this.now()) wanted = expiration - this.now();
    return Math.min(wanted, maxChannelTtlMs);
  }

  private notify(channel: Channel, state: string, body: unknown, delayMs: number): void {
    channel.messageNumber += 1;
    const { dropRate, duplicateRate, jitterMs } = this.settingsNow;
    if (state !== 'sync' && this.random() < dropRate) {
      this.counters.dropped += 1;
      return;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=UTF-8',
      'x-goog-channel-id': channel.id,
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-uri': channel.resourceUri,
      'x-goog-resource-state': state,
      'x-goog-message-number': String(channel.messageNumber),
      ...(channel.token !== undefined ? { 'x-goog-channel-token': channel.token } : {}),
    };
    const copies = state !== 'sync' && this.random() < duplicateRate ? 2 : 1;
    if (copies === 2) this.counters.duplicated += 1;
    for (let copy = 0; copy < copies; copy++) {
      const wait = delayMs + (jitterMs > 0 ? Math.floor(this.random() * jitterMs) : 0);
      const delivery = this.deliver(channel.address, headers, body === undefined ? '' : JSON.stringify(body), wait);
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  private async deliver(address: string, headers: Record<string, string>, body: string, waitMs: number): Promise<void> {
    if (waitMs > 0) await sleep(waitMs);
    for (let attempt = 1; attempt <= DELIVERY_ATTEMPTS; attempt++) {
      const status = await fetch(address, { method: 'POST', headers, body, signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) })
        .then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        })
        .catch(() => 0);
      if (status >= 200 && status < 300) {
        this.counters.sent += 1;
        return;
      }
      if (status !== 0 && !RETRIED.has(status)) break;
      if (attempt < DELIVERY_ATTEMPTS) await sleep(this.retryBaseMs * 2 ** (attempt - 1));
    }
    this.counters.failed += 1;
  }
}

export class PushSettingsError extends Error {
  override name = 'PushSettingsError';
}

export function validatePushSettings(settings: PushSettings): PushSettings {
  for (const key of ['maxChannelTtlMs', 'defaultChannelTtlMs', 'auditLagMs', 'jitterMs'] as const) {
    const value = settings[key];
    if (!Number.isInteger(value) || value < 0) throw new PushSettingsError(`${key} must be a whole number of milliseconds ≥ 0.`);
  }
  for (const key of ['dropRate', 'duplicateRate'] as const) {
    const value = settings[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new PushSettingsError(`${key} must be a share from 0 to 1.`);
  }
  return settings;
}

/** Google requires https; the emulator also delivers to plain http on the loopback interface (a local receiver). */
function deliveryAddress(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return url;
  return undefined;
}

const channelKey = (id: string, resourceId: string) => `${id}\n${resourceId}`;

const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));
