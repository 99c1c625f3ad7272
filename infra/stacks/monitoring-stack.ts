import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { IN_PLACE } from '../constructs/in-place.js';
import { Monitoring, type MonitoringProps } from '../constructs/monitoring.js';

export type MonitoringStackProps = StackProps & MonitoringProps;

/** Alarms and dashboard (constructs/monitoring.ts), deployed last: they watch every other stack. */
export class MonitoringStack extends Stack {
  readonly monitoring: Monitoring;
  readonly topic: Monitoring['topic'];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.monitoring = new Monitoring(this, IN_PLACE, props);
    this.topic = this.monitoring.topic;
  }
}
