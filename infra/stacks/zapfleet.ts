import { type App, CfnOutput } from 'aws-cdk-lib';
import { ApiStack } from './api-stack.ts';
import { DataStack } from './data-stack.ts';
import type { DeploymentConfig } from './deployment-config.ts';
import { FleetStack } from './fleet-stack.ts';
import { NetworkStack } from './network-stack.ts';
import { ObservabilityStack } from './observability-stack.ts';

/** The session hosts' internal endpoint; the container image EXPOSEs the same port. */
export const HOST_PORT = 8080;

export interface Zapfleet {
  readonly data: DataStack;
  readonly network: NetworkStack;
  readonly api: ApiStack;
  readonly fleet: FleetStack;
  readonly observability: ObservabilityStack;
}

/**
 * Every stack of one deployment, env-agnostic (account and region come from
 * the CLI's credentials at deploy time). Deploy order follows the references:
 * data, network → api → fleet → observability.
 */
export function createZapfleet(app: App, config: DeploymentConfig): Zapfleet {
  const p = config.stackPrefix;
  const data = new DataStack(app, `${p}Data`, {
    description: 'zapfleet: tables, auth-state and media buckets, internal token',
    mediaRetentionDays: config.mediaRetentionDays,
  });
  const network = new NetworkStack(app, `${p}Network`, {
    description: 'zapfleet: VPC, NAT, security groups',
    natGateways: config.natGateways,
    hostPort: HOST_PORT,
  });
  const shared = {
    config,
    tables: data.tableSet,
    tableNames: data.tables.names,
    authBucket: data.authBucket,
    mediaBucket: data.mediaBucket,
    internalToken: data.internalToken,
    vpc: network.vpc,
  };
  const api = new ApiStack(app, `${p}Api`, {
    ...shared,
    description: 'zapfleet: HTTP API and WebSocket API',
    hostClientSecurityGroup: network.hostClientSecurityGroup,
  });
  new CfnOutput(api, 'HttpApiUrl', { value: api.httpApi.url, description: 'REST API base URL' });
  new CfnOutput(api, 'WebSocketUrl', {
    value: api.webSocketApi.url,
    description: 'WebSocket URL (?token=JWT)',
  });

  const fleet = new FleetStack(app, `${p}Fleet`, {
    ...shared,
    description: 'zapfleet: ECS Fargate session hosts',
    hostSecurityGroup: network.hostSecurityGroup,
    hostPort: HOST_PORT,
    webSocketApi: api.webSocketApi,
  });
  new CfnOutput(fleet, 'ClusterName', { value: fleet.cluster.clusterName });

  const observability = new ObservabilityStack(app, `${p}Observability`, {
    description: 'zapfleet: alarms',
    functions: {
      HttpApiHandler: api.apiFunction.function,
      WebSocketHandler: api.wsFunction.function,
      WebhookDispatcher: api.webhooks.fn.function,
    },
    webhookLogGroup: api.webhooks.fn.logGroup,
    limitLogGroups: { HttpApiHandler: api.apiFunction.logGroup, WebSocketHandler: api.wsFunction.logGroup },
    httpApi: api.httpApi.api,
    postToConnectionLogGroups: { WebSocketHandler: api.wsFunction.logGroup, Hosts: fleet.hosts.logGroup },
    alarmEmail: config.alarmEmail,
  });
  new CfnOutput(observability, 'AlarmTopicArn', { value: observability.topic.topicArn });
  return { data, network, api, fleet, observability };
}
