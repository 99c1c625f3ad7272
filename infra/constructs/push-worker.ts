import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AppFunction } from '../app-function.js';
import { functionEnvironment, type InfraConfig } from '../config.js';
import { PUSH_WORKER_PERMISSIONS, withGoogleCredentials, type SecretName } from '../permissions.js';

/**
 * One batch's work: up to PUSH_BATCH_SIZE targets at a few Google calls each under the shared
 * limiter, then their search-index deltas; now and then (past the delta bound) a whole rebuild,
 * 3–15 s at 10,000 people, about ten times that at 100,000: room to spare.
 */
export const PUSH_WORKER_TIMEOUT = Duration.minutes(3);
/** Messages per batch: one notification each; several about one person cost one fetch. */
const PUSH_BATCH_SIZE = 100;
/** How long the event source gathers a burst into one batch: a bulk change is one batch, not a hundred invocations. */
const PUSH_BATCHING_WINDOW = Duration.seconds(2);
/** Batches in flight at once (2 is SQS's minimum): with the full sync they share Google's quota. */
const PUSH_MAX_CONCURRENCY = 2;

export interface PushWorkerProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
  readonly queue: IQueue;
}

/**
 * The push worker: triggered by the push queue only (no URL, no other invoker), its own role with
 * the directory writes it needs and the Google credentials the sync uses; partial batch responses,
 * so only the messages that failed are delivered again.
 */
export class PushWorker extends Construct {
  readonly worker: AppFunction;

  constructor(scope: Construct, id: string, props: PushWorkerProps) {
    super(scope, id);
    this.worker = new AppFunction(this, 'Worker', {
      entry: 'functions/push-worker.ts',
      description: 'Workspace Bridge push worker (applies changes Google notified, from the push queue)',
      environment: { ...functionEnvironment(props.config, props.table.tableName), POWERTOOLS_SERVICE_NAME: 'push-worker' },
      logRetentionDays: props.config.logRetentionDays,
      // As the sync: a rebuild past the delta bound holds the whole index in memory.
      memorySize: 1024,
      timeout: PUSH_WORKER_TIMEOUT,
      tracing: props.config.tracing,
    });
    this.worker.grantProfile(withGoogleCredentials(PUSH_WORKER_PERMISSIONS, props.config.googleCredentials.mode), {
      table: props.table,
      secrets: props.secrets,
    });
    this.worker.fn.addEventSource(
      new SqsEventSource(props.queue, {
        batchSize: PUSH_BATCH_SIZE,
        maxBatchingWindow: PUSH_BATCHING_WINDOW,
        maxConcurrency: PUSH_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
  }
}
