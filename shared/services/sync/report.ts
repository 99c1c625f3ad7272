import type { SyncOutcome } from './run.js';
import type { RunRecord } from '../../adapters/dynamodb/sync-state-store.js';

/** The summary's counters when nothing ran: every summary of a finished invocation has them, so scripts can read any. */
const NOTHING_RAN = { fetched: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, apiCalls: 0, retries: 0, durationMs: 0 } as const;

/** The one-line JSON summary `npm run sync` prints and the handler returns. */
export function runSummary(outcome: SyncOutcome): Record<string, unknown> {
  if (outcome.status === 'continue') return { status: 'continue', runId: outcome.runId };
  if (outcome.status === 'skipped') return { status: 'skipped', ...NOTHING_RAN, reason: outcome.reason };
  const r = outcome.record;
  return {
    status: r.status,
    runId: r.runId,
    ...r.counts,
    apiCalls: r.apiCalls,
    retries: r.retries,
    durationMs: r.durationMs,
    itemWrites: r.itemWrites,
    invocations: r.invocations,
    forced: r.forced,
    memberships: r.memberships,
    ...(r.errors.length > 0 ? { errors: r.errors } : {}),
    ...(outcome.diff
      ? {
          diff: {
            created: outcome.diff.created.length,
            updated: outcome.diff.updated.length,
            deleted: outcome.diff.deleted.length,
            membershipChanges: outcome.diff.membershipChanges,
            guard: outcome.diff.guard,
          },
        }
      : {}),
  };
}

/** The summary of an invocation that failed before a run could start or be recorded. */
export function failureSummary(code: string, message: string): Record<string, unknown> {
  return { status: 'failed', ...NOTHING_RAN, errors: [{ code, message }] };
}

/**
 * Writes a run's metric line straight to stdout, never through the logger: the sync alarms read
 * only this line, so an operator's LOG_LEVEL=WARN must not silence them. A raw stdout line also
 * escapes the Node runtime's console prefix, which would stop CloudWatch parsing it as EMF.
 */
export function emitRunMetrics(record: RunRecord): void {
  process.stdout.write(`${JSON.stringify({ message: 'directory sync run', ...runMetrics(record) })}\n`);
}

/**
 * A run as CloudWatch Embedded Metric Format: logged as one JSON line, CloudWatch turns the
 * listed keys into metrics (namespace WorkspaceBridge/Sync, dimension status) without an API call.
 */
export function runMetrics(record: RunRecord): Record<string, unknown> {
  const metrics = {
    Fetched: record.counts.fetched,
    Created: record.counts.created,
    Updated: record.counts.updated,
    Unchanged: record.counts.unchanged,
    Deleted: record.counts.deleted,
    ApiCalls: record.apiCalls,
    Retries: record.retries,
    ItemWrites: record.itemWrites,
    DurationMs: record.durationMs,
  };
  return {
    _aws: {
      Timestamp: Date.parse(record.endedAt),
      CloudWatchMetrics: [
        {
          Namespace: 'WorkspaceBridge/Sync',
          Dimensions: [['status']],
          Metrics: Object.keys(metrics).map((Name) => ({ Name, Unit: Name === 'DurationMs' ? 'Milliseconds' : 'Count' })),
        },
      ],
    },
    status: record.status,
    runId: record.runId,
    ...metrics,
  };
}
