/** CDK entry (`cdk.json` runs it with tsx): reads deployment context once and builds every stack. */
import { App } from 'aws-cdk-lib';
import { parseDeploymentConfig } from './stacks/deployment-config.ts';
import { createZapfleet } from './stacks/zapfleet.ts';

const app = new App();
createZapfleet(
  app,
  parseDeploymentConfig((key) => app.node.tryGetContext(key)),
);
app.synth();
