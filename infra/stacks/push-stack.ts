import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { AppFunction } from '../app-function.js';
import type { InfraConfig } from '../config.js';
import { PushChannels } from '../constructs/push-channels.js';
import { PushQueue } from '../constructs/push-queue.js';
import { PUSH_WORKER_TIMEOUT, PushWorker } from '../constructs/push-worker.js';
import { ReceiverOriginSecret } from '../constructs/receiver-origin-secret.js';
import type { SecretName } from '../permissions.js';

export interface PushStackProps extends StackProps {
  readonly config: InfraConfig;
  readonly table: ITableV2;
  readonly secrets: Readonly<Partial<Record<SecretName, ISecret>>>;
}

/**
 * Push-driven sync besides its receiver (an HTTP function of the API stack): the origin secret
 * the receiver and CloudFront share, the queue with its dead-letter queue, the worker, and the
 * scheduled channel manager. Deployed before the API (the receiver sends to the queue) only with
 * push on; with push off it is left out whole (docs/deploy.md says how to remove it).
 */
export class PushStack extends Stack {
  readonly originSecret: ISecret;
  readonly queue: PushQueue;
  readonly worker: AppFunction;
  readonly channels: PushChannels;

  constructor(scope: Construct, id: string, props: PushStackProps) {
    super(scope, id, props);
    this.originSecret = new ReceiverOriginSecret(this, 'ReceiverOrigin').secret;
    this.queue = new PushQueue(this, 'Queue', { visibilityTimeout: Duration.seconds(PUSH_WORKER_TIMEOUT.toSeconds() * 6) });
    this.worker = new PushWorker(this, 'Worker', { ...props, queue: this.queue.queue }).worker;
    this.channels = new PushChannels(this, 'Channels', props);
    if (props.config.googleCredentials.mode === 'workload-identity') {
      // Both call Google as the sync does: the provider's attribute condition must admit them too (deploy guide, "Keyless").
      new CfnOutput(this, 'PushWorkerRoleName', { value: this.worker.role.roleName, description: 'Execution role of the push worker' });
      new CfnOutput(this, 'PushChannelsRoleName', {
        value: this.channels.manager.role.roleName,
        description: 'Execution role of the push channel manager',
      });
    }
  }
}
