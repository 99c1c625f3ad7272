import { WATCHED_FEEDS } from '../../adapters/dynamodb/push-channels.js';

/**
 * The channel metrics the channel manager logs after each run in Embedded Metric Format, and the
 * alarms watch (infra/constructs/monitoring.ts reads these names from here).
 */
export const PUSH_CHANNEL_METRICS = {
  namespace: 'WorkspaceBridge/Push',
  /** Feeds with a live channel after the run; healthy is every watched feed. */
  liveFeeds: 'LiveFeeds',
  /** Channels found past their expiry and never stopped when the run began: a feed went unwatched. */
  pastExpiry: 'ChannelsPastExpiry',
  feedCount: WATCHED_FEEDS.length,
} as const;

export interface ChannelMetrics {
  readonly liveFeeds: number;
  readonly channelsPastExpiry: number;
}

/** One run's channel figures as an EMF line (no dimensions: one installation, one series each). */
export function channelMetricsLine(at: number, metrics: ChannelMetrics): Record<string, unknown> {
  const { namespace, liveFeeds, pastExpiry } = PUSH_CHANNEL_METRICS;
  return {
    message: 'push channels',
    _aws: {
      Timestamp: at,
      CloudWatchMetrics: [
        { Namespace: namespace, Dimensions: [[]], Metrics: [liveFeeds, pastExpiry].map((Name) => ({ Name, Unit: 'Count' })) },
      ],
    },
    [liveFeeds]: metrics.liveFeeds,
    [pastExpiry]: metrics.channelsPastExpiry,
  };
}

/** Straight to stdout, never through the logger: LOG_LEVEL=WARN must not silence the alarms' data (as the sync's run metrics). */
export function emitChannelMetrics(at: number, metrics: ChannelMetrics): void {
  process.stdout.write(`${JSON.stringify(channelMetricsLine(at, metrics))}\n`);
}
