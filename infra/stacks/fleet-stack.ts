import { Aws, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Cluster, Secret as EcsSecret } from 'aws-cdk-lib/aws-ecs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '#commons/config/env-names.ts';
import { HOST_METRICS } from '#commons/observability/metric-names.ts';
import { resourceEnvironment, type TableNames } from '#commons/storage/tables.ts';
import { grantBucketPrefix, grantMediaPrefix, grantTables, type TableSet } from '../constructs/access.ts';
import { MEDIA_PREFIX } from '../constructs/media-bucket.ts';
import { REPO_ROOT } from '../constructs/repo-paths.ts';
import { SessionHostService, sessionHostImage } from '../constructs/session-host-service.ts';
import type { LambdaWebSocketApi } from '../constructs/websocket-api.ts';
import type { DeploymentConfig } from './deployment-config.ts';
import { AUTH_PREFIX, HOST_AUTH_ACCESS, HOST_MEDIA_ACCESS, HOST_TABLE_GRANTS } from './grants.ts';

export interface FleetStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly tables: TableSet;
  readonly tableNames: TableNames;
  readonly authBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly internalToken: ISecret;
  readonly vpc: IVpc;
  readonly hostSecurityGroup: ISecurityGroup;
  readonly hostPort: number;
  readonly webSocketApi: LambdaWebSocketApi;
}

/** Average sessions owned per reporting host: the host publishes one undimensioned datapoint a minute. */
export function sessionsPerHostMetric(): Metric {
  return new Metric({
    namespace: HOST_METRICS.namespace,
    metricName: HOST_METRICS.sessionsOwned,
    statistic: 'Average',
    period: Duration.minutes(1),
  });
}

/** Session hosts on ECS Fargate. */
export class FleetStack extends Stack {
  readonly cluster: Cluster;
  readonly hosts: SessionHostService;

  constructor(scope: Construct, id: string, props: FleetStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.cluster = new Cluster(this, 'Cluster', { vpc: props.vpc });
    this.hosts = new SessionHostService(this, 'Hosts', {
      cluster: this.cluster,
      image: sessionHostImage({ contextDirectory: REPO_ROOT }),
      securityGroup: props.hostSecurityGroup,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      port: props.hostPort,
      cpu: config.hostCpu,
      memoryLimitMiB: config.hostMemoryMiB,
      minCapacity: config.minHosts,
      maxCapacity: config.maxHosts,
      scalingMetric: sessionsPerHostMetric(),
      scalingTarget: config.targetSessionsPerHost,
      logRetention: config.logRetentionDays,
      // ENV.hostEndpoint is left unset: the host reads its private IP from the ECS task metadata endpoint.
      environment: {
        ...resourceEnvironment(props.tableNames, props.authBucket.bucketName, props.mediaBucket.bucketName),
        [ENV.region]: Aws.REGION,
        [ENV.hostPort]: String(props.hostPort),
        [ENV.hostCapacity]: String(config.hostCapacity),
        [ENV.wsManagementEndpoint]: props.webSocketApi.callbackUrl,
        [ENV.logLevel]: config.logLevel,
        ...(config.waWebSocketUrl ? { [ENV.waWebSocketUrl]: config.waWebSocketUrl } : {}),
      },
      // Injected at task start by the execution role; the task role never reads the secret.
      secrets: { [ENV.internalToken]: EcsSecret.fromSecretsManager(props.internalToken) },
    });
    const taskRole = this.hosts.taskRole;
    grantTables(taskRole, props.tables, HOST_TABLE_GRANTS);
    grantBucketPrefix(taskRole, props.authBucket, AUTH_PREFIX, HOST_AUTH_ACCESS);
    grantMediaPrefix(taskRole, props.mediaBucket, MEDIA_PREFIX, HOST_MEDIA_ACCESS);
    props.webSocketApi.stage.grantManagementApiAccess(taskRole);
    // SessionsOwned reaches CloudWatch as an embedded-metric log line: no PutMetricData grant needed.
  }
}
