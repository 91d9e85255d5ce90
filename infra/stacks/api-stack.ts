import { Annotations, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction, IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ENV } from '#commons/config/env-names.ts';
import { resourceEnvironment, type TableNames } from '#commons/storage/tables.ts';
import { grantBucketPrefix, grantMediaPrefix, grantTables, type TableSet } from '../constructs/access.ts';
import { DashboardSite } from '../constructs/dashboard-site.ts';
import { LambdaHttpApi } from '../constructs/http-api.ts';
import { MEDIA_PREFIX } from '../constructs/media-bucket.ts';
import { WebhookDispatcher } from '../constructs/webhook-dispatcher.ts';
import { LambdaWebSocketApi } from '../constructs/websocket-api.ts';
import { ZapfleetFunction } from '../constructs/zapfleet-function.ts';
import type { DeploymentConfig } from './deployment-config.ts';
import {
  API_AUTH_ACCESS,
  API_MEDIA_ACCESS,
  API_TABLE_GRANTS,
  AUTH_PREFIX,
  WEBHOOKS_TABLE_GRANTS,
  WS_TABLE_GRANTS,
} from './grants.ts';

/**
 * Reserved concurrency of each Lambda: a ceiling (one flood cannot take the
 * account's whole pool from the other functions) and a floor (the others
 * cannot starve these). Sized for the default per-tenant rates times a few
 * hundred tenants at ~50 ms per request; raise with the account's limit.
 */
export const DEFAULT_RESERVED_CONCURRENCY = { api: 100, ws: 50 } as const;

export interface ApiStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** @default DEFAULT_RESERVED_CONCURRENCY */
  readonly reservedConcurrency?: { readonly api: number; readonly ws: number };
  readonly tables: TableSet;
  readonly tableNames: TableNames;
  readonly authBucket: IBucket;
  readonly mediaBucket: IBucket;
  readonly internalToken: ISecret;
  readonly vpc: IVpc;
  readonly hostClientSecurityGroup: ISecurityGroup;
}

/** Control plane: HTTP API and WebSocket API, each on its own Lambda. */
export class ApiStack extends Stack {
  readonly httpApi: LambdaHttpApi;
  readonly webSocketApi: LambdaWebSocketApi;
  readonly apiFunction: ZapfleetFunction;
  readonly wsFunction: ZapfleetFunction;
  readonly webhooks: WebhookDispatcher;
  readonly dashboard: DashboardSite;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { config } = props;
    const common = {
      ...resourceEnvironment(props.tableNames, props.authBucket.bucketName, props.mediaBucket.bucketName),
      ...authEnvironment(config),
      [ENV.logLevel]: config.logLevel,
    };
    if (!config.jwksUrl || !config.jwtIssuer) {
      Annotations.of(this).addWarningV2(
        'zapfleet:auth-not-configured',
        'jwksUrl and jwtIssuer are not set: the deployed API refuses every token until they are (npx cdk deploy -c jwksUrl=… -c jwtIssuer=…).',
      );
    }

    this.apiFunction = new ZapfleetFunction(this, 'HttpHandler', {
      entry: 'api',
      description: 'zapfleet HTTP API (Hono)',
      timeout: Duration.seconds(Math.ceil(config.hostRequestTimeoutMs / 1000) + 10),
      logRetention: config.logRetentionDays,
      environment: {
        ...common,
        [ENV.hostRequestTimeoutMs]: String(config.hostRequestTimeoutMs),
        // The ARN only: the Lambda reads the value at cold start, so it is in no environment or console.
        [ENV.internalTokenSecretArn]: props.internalToken.secretArn,
      },
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [props.hostClientSecurityGroup],
    });
    grantTables(this.apiFunction.function, props.tables, API_TABLE_GRANTS);
    // GetSecretValue only (grantRead would add DescribeSecret, which the runtime never calls).
    this.apiFunction.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [props.internalToken.secretArn],
      }),
    );
    grantBucketPrefix(this.apiFunction.function, props.authBucket, AUTH_PREFIX, API_AUTH_ACCESS);
    grantMediaPrefix(this.apiFunction.function, props.mediaBucket, MEDIA_PREFIX, API_MEDIA_ACCESS);
    this.httpApi = new LambdaHttpApi(this, 'Http', {
      handler: this.apiFunction.function,
      rateLimit: config.httpRateLimit,
      burstLimit: config.httpBurstLimit,
      logRetention: config.logRetentionDays,
    });

    // The stage name is fixed here so the Lambda's endpoint can be built before the stage exists.
    const wsStageName = 'live';
    this.wsFunction = new ZapfleetFunction(this, 'WebSocketHandler', {
      entry: 'ws',
      description: 'zapfleet WebSocket routes',
      memorySize: 256,
      logRetention: config.logRetentionDays,
      environment: common,
    });
    grantTables(this.wsFunction.function, props.tables, WS_TABLE_GRANTS);
    const reserved = props.reservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY;
    (this.apiFunction.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved.api;
    (this.wsFunction.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = reserved.ws;
    this.webSocketApi = new LambdaWebSocketApi(this, 'WebSocket', {
      handler: this.wsFunction.function,
      stageName: wsStageName,
      rateLimit: config.wsRateLimit,
      burstLimit: config.wsBurstLimit,
      logRetention: config.logRetentionDays,
    });
    this.wsFunction.function.addEnvironment(ENV.wsManagementEndpoint, this.webSocketApi.callbackUrl);
    this.webSocketApi.stage.grantManagementApiAccess(this.wsFunction.function);

    this.dashboard = this.dashboardSite(config, props.mediaBucket);
    this.webhooks = new WebhookDispatcher(this, 'Webhooks', {
      eventsTable: props.tables.tables.events,
      environment: common,
      logRetention: config.logRetentionDays,
    });
    grantTables(this.webhooks.fn.function, props.tables, WEBHOOKS_TABLE_GRANTS);
  }

  /** The dashboard and /docs on the HTTP API's origin; the page uploads media to `mediaBucket`. */
  private dashboardSite(config: DeploymentConfig, mediaBucket: IBucket): DashboardSite {
    const endpoints = { wsUrl: this.webSocketApi.url, mediaBucket };
    return new DashboardSite(this, 'Dashboard', config, this.httpApi.api, endpoints);
  }

  get functions(): readonly IFunction[] {
    return [this.apiFunction.function, this.wsFunction.function, this.webhooks.fn.function];
  }
}

function authEnvironment(config: DeploymentConfig): Record<string, string> {
  return {
    ...(config.jwksUrl ? { [ENV.jwksUrl]: config.jwksUrl } : {}),
    ...(config.jwtIssuer ? { [ENV.jwtIssuer]: config.jwtIssuer } : {}),
    [ENV.jwtAudience]: config.jwtAudience,
    [ENV.tenantClaim]: config.tenantClaim,
    [ENV.roleClaim]: config.roleClaim,
    ...(config.operatorTenant ? { [ENV.operatorTenant]: config.operatorTenant } : {}),
  };
}
