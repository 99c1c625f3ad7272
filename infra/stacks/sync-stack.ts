import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DirectorySync, type DirectorySyncProps } from '../constructs/directory-sync.js';
import { IN_PLACE } from '../constructs/in-place.js';

export { syncFunctionName } from '../constructs/directory-sync.js';

export type SyncStackProps = StackProps & DirectorySyncProps;

/** The directory sync (constructs/directory-sync.ts), in its own stack so it deploys and rolls back on its own. */
export class SyncStack extends Stack {
  readonly sync: DirectorySync['sync'];
  readonly scheduleDeadLetters: DirectorySync['scheduleDeadLetters'];
  readonly failedRuns: DirectorySync['failedRuns'];

  constructor(scope: Construct, id: string, props: SyncStackProps) {
    super(scope, id, props);
    const directorySync = new DirectorySync(this, IN_PLACE, props);
    this.sync = directorySync.sync;
    this.scheduleDeadLetters = directorySync.scheduleDeadLetters;
    this.failedRuns = directorySync.failedRuns;
  }
}
