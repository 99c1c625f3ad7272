/**
 * What a verified notification asks for, and the queue port between the receiver (which must
 * answer Google fast) and the worker (which calls Google and writes the directory).
 */
interface ChangeOrigin {
  readonly channelId: string;
  readonly messageNumber: number;
  /** When the receiver took the notification (epoch ms). */
  readonly receivedAt: number;
  /** When the change happened in Google, if the notification says (an activity's time). */
  readonly changedAt?: number;
}

/** A user changed (users.watch): the worker re-reads that user. `event` is Google's resource state. */
export interface UserChange extends ChangeOrigin {
  readonly kind: 'user';
  readonly userId: string;
  readonly event: string;
}

/** A group or its membership changed (an audit activity): the worker re-reads the group and its members. */
export interface GroupChange extends ChangeOrigin {
  readonly kind: 'group';
  /** The group's address as the activity names it (groups.get takes an address or an id). */
  readonly groupKey: string;
  readonly event: string;
}

export type PushChange = UserChange | GroupChange;

/** Hands changes to the worker: an SQS queue or an asynchronous invocation in AWS, an in-process queue locally. */
export interface ChangeQueue {
  enqueue(changes: readonly PushChange[]): Promise<void>;
}
