import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cdkBundlingOptions, LAMBDA_ENTRIES, type LambdaName } from './lambda-bundle.ts';
import { REPO_ROOT } from './repo-paths.ts';

export interface ZapfleetFunctionProps {
  /** Which entry of `LAMBDA_ENTRIES` to bundle. */
  readonly entry: LambdaName;
  readonly environment: Readonly<Record<string, string>>;
  readonly description?: string;
  /** @default 512 — more memory is more CPU, and cold init is CPU-bound. */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Set to run inside a VPC (to reach the session hosts' private endpoints). */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
}

/**
 * A control-plane Lambda: Node 22 on arm64, bundled by the local esbuild with
 * the options shared with `npm run build`, logging to its own log group with
 * a retention.
 */
export class ZapfleetFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: ILogGroup;

  constructor(scope: Construct, id: string, props: ZapfleetFunctionProps) {
    super(scope, id);
    const entry = LAMBDA_ENTRIES[props.entry];
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, entry.entry),
      handler: entry.handler,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      bundling: cdkBundlingOptions(),
      environment: { ...props.environment },
      logGroup: this.logGroup,
      ...(props.description ? { description: props.description } : {}),
      ...(props.vpc
        ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }
        : {}),
    });
  }
}
