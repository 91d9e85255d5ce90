import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ISecurityGroup, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  type ContainerDefinition,
  ContainerImage,
  CpuArchitecture,
  type Secret as EcsSecret,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Build-context entries the image never needs; `.dockerignore` repeats them for a plain `docker build`. */
export const HOST_IMAGE_EXCLUDES: readonly string[] = [
  'node_modules',
  '**/node_modules',
  'cdk.out',
  '.git',
  '.local',
  '.ci',
  'coverage',
  'dist',
  'tests',
  'infra',
  '*.log',
];

export interface SessionHostImageProps {
  /** Repository root: the host imports `#commons/*` from `functions/commons/`. */
  readonly contextDirectory: string;
  /** @default 'session-host/Dockerfile' */
  readonly file?: string;
}

/** The session-host image, built from the repository root at deploy time (synth only stages the folder). */
export function sessionHostImage(props: SessionHostImageProps): ContainerImage {
  return ContainerImage.fromAsset(props.contextDirectory, {
    file: props.file ?? 'session-host/Dockerfile',
    exclude: [...HOST_IMAGE_EXCLUDES],
    platform: Platform.LINUX_AMD64,
  });
}

export interface SessionHostServiceProps {
  readonly cluster: ICluster;
  readonly image: ContainerImage;
  readonly securityGroup: ISecurityGroup;
  readonly vpcSubnets: SubnetSelection;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets?: Readonly<Record<string, EcsSecret>>;
  /** Port of the internal endpoint and of `GET /healthz`. */
  readonly port: number;
  /** Utilisation metric for target tracking (sessions owned, averaged over hosts). */
  readonly scalingMetric: IMetric;
  readonly scalingTarget: number;
  /** @default 1024 */
  readonly cpu?: number;
  /** @default 4096 */
  readonly memoryLimitMiB?: number;
  /** @default 2 */
  readonly minCapacity?: number;
  /** @default 20 */
  readonly maxCapacity?: number;
  /**
   * Scale-in stops a host, whose sessions then move; wait long enough that a
   * brief dip does not churn sessions.
   * @default Duration.minutes(15)
   */
  readonly scaleInCooldown?: Duration;
  /** @default Duration.minutes(2) */
  readonly scaleOutCooldown?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The fleet of session hosts: a Fargate service in private subnets that
 * drains for 120 s on stop, never dips below its running count during a
 * deployment (100 %/200 %), and tracks a sessions-per-host target.
 */
export class SessionHostService extends Construct {
  readonly service: FargateService;
  readonly taskDefinition: FargateTaskDefinition;
  readonly container: ContainerDefinition;
  readonly taskRole: IRole;
  readonly logGroup: ILogGroup;

  constructor(scope: Construct, id: string, props: SessionHostServiceProps) {
    super(scope, id);
    const memoryLimitMiB = props.memoryLimitMiB ?? 4096;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu ?? 1024,
      memoryLimitMiB,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.X86_64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    this.taskRole = this.taskDefinition.taskRole;
    this.container = this.taskDefinition.addContainer('host', {
      image: props.image,
      essential: true,
      environment: {
        ...props.environment,
        // V8 sizes its heap from the host, not the task: give it ~75 % of the task's memory.
        NODE_OPTIONS: `--max-old-space-size=${Math.floor(memoryLimitMiB * 0.75)}`,
      },
      ...(props.secrets ? { secrets: { ...props.secrets } } : {}),
      portMappings: [{ containerPort: props.port }],
      // Fargate's maximum: the host hands its sessions off on SIGTERM before SIGKILL.
      stopTimeout: Duration.seconds(120),
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${props.port}/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      logging: LogDrivers.awsLogs({ streamPrefix: 'host', logGroup: this.logGroup }),
    });
    this.service = new FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.minCapacity ?? 2,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      vpcSubnets: props.vpcSubnets,
      securityGroups: [props.securityGroup],
      assignPublicIp: false,
    });
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minCapacity ?? 2,
      maxCapacity: props.maxCapacity ?? 20,
    });
    scaling.scaleToTrackCustomMetric('SessionsPerHost', {
      metric: props.scalingMetric,
      targetValue: props.scalingTarget,
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(15),
      scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(2),
    });
  }
}
