/**
 * Push sync's items in the table, every key in this one place (to move into the table's key
 * layout module when it lands):
 *
 *   channel   pk PUSHCHANNEL#<channelId>  sk CHANNEL        { channel: ChannelRecord }
 *             gsi1pk PUSHCHANNELS  gsi1sk <channelId>       every channel, for the manager and health
 *   seen      pk PUSHSEEN#<channelId>#<messageNumber>  sk MESSAGE   expiresAt   a message already taken (dedupe)
 *   stats     pk PUSHSTATS  sk HOUR#<yyyy-mm-ddThh>         { notifications, applied, lagsMs[] }   expiresAt
 */
export const channelKey = (channelId: string) => ({ pk: `PUSHCHANNEL#${channelId}`, sk: 'CHANNEL' });
export const CHANNELS_INDEX = { indexName: 'gsi1', partition: 'PUSHCHANNELS' } as const;
export const seenMessageKey = (channelId: string, messageNumber: number) => ({ pk: `PUSHSEEN#${channelId}#${messageNumber}`, sk: 'MESSAGE' });
export const STATS_PARTITION = 'PUSHSTATS';
export const statsHourKey = (at: Date) => ({ pk: STATS_PARTITION, sk: `HOUR#${at.toISOString().slice(0, 13)}` });

/** How long a message number is remembered: Google retries a failed delivery for well under a day. */
export const SEEN_TTL_SECONDS = 24 * 3600;
/** Hourly stats are kept for a week (the health view reads the last day). */
export const STATS_TTL_SECONDS = 7 * 24 * 3600;
