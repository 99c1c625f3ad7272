import { App } from 'aws-cdk-lib';
import { readInfraConfig, type ContextKey } from './config.js';
import { buildWorkspaceBridge } from './workspace-bridge.js';

/** `cdk synth` / `cdk deploy` entry (cdk.json). Settings come from CDK context: see README, Deploy guide. */
const app = new App();
const config = readInfraConfig((key: ContextKey) => app.node.tryGetContext(key));
buildWorkspaceBridge(app, { config });
app.synth();
