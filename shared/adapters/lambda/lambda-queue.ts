import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { ChangeQueue, PushChange } from '../../domain/push/changes.js';

/** What the worker function receives. */
export interface PushWorkerEvent {
  readonly changes: readonly PushChange[];
}

/**
 * The queue in AWS: an asynchronous invocation of the worker function. Lambda keeps the event in
 * its own queue, retries a failed batch twice with backoff and sends what still fails to the
 * worker's on-failure destination (an SQS dead-letter queue, alarmed). No extra client library:
 * the receiver already ships client-lambda; an SQS queue in between is the alternative (notes).
 */
export class LambdaInvokeQueue implements ChangeQueue {
  constructor(
    private readonly functionName: string,
    private readonly lambda = new LambdaClient({}),
  ) {}

  async enqueue(changes: readonly PushChange[]): Promise<void> {
    await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ changes } satisfies PushWorkerEvent)),
      }),
    );
  }
}
