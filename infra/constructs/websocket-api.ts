import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat, CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { LogGroupLogDestination, WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ILogGroup, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface LambdaWebSocketApiProps {
  /** Serves `$connect`, `$disconnect`, `$default` and every custom route. */
  readonly handler: IFunction;
  /** Routes chosen by `$request.body.action`. @default ['subscribe', 'unsubscribe', 'ping'] */
  readonly routes?: readonly string[];
  /** @default 'live' */
  readonly stageName?: string;
  /** @default 500 messages/s */
  readonly rateLimit?: number;
  /** @default 1000 messages */
  readonly burstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * WebSocket (like REST) stages can only write access logs once the
   * account-level API Gateway CloudWatch role is set. The setting is one per
   * account and region; set false when another stack already manages it.
   * @default true
   */
  readonly setAccountLogRole?: boolean;
}

/**
 * WebSocket API with every route on one Lambda. No authorizer: `$connect`
 * verifies the `?token=` JWT in the handler, which needs the tenant claim
 * to store the connection anyway. Replies go out by PostToConnection, so
 * routes carry no route response. Access logs leave out the query string,
 * which holds the token.
 */
export class LambdaWebSocketApi extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly accessLogs: ILogGroup;

  constructor(scope: Construct, id: string, props: LambdaWebSocketApiProps) {
    super(scope, id);
    // An integration id of 'Default' would vanish from logical ids (CDK hides 'Default' path parts) and collide.
    const integration = (name: string) => new WebSocketLambdaIntegration(`${name}Integration`, props.handler);
    this.api = new WebSocketApi(this, 'Api', {
      routeSelectionExpression: '$request.body.action',
      connectRouteOptions: { integration: integration('Connect') },
      disconnectRouteOptions: { integration: integration('Disconnect') },
      defaultRouteOptions: { integration: integration('Default') },
    });
    for (const route of props.routes ?? ['subscribe', 'unsubscribe', 'ping']) {
      this.api.addRoute(route, { integration: integration(`Route-${route}`) });
    }
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const accountSetting = (props.setAccountLogRole ?? true) ? this.accountLogRole() : undefined;
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName ?? 'live',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 500, burstLimit: props.burstLimit ?? 1000 },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            connectionId: '$context.connectionId',
            eventType: '$context.eventType',
            routeKey: '$context.routeKey',
            status: '$context.status',
            integrationError: '$context.integrationErrorMessage',
            sourceIp: '$context.identity.sourceIp',
            requestTime: '$context.requestTimeEpoch',
          }),
        ),
      },
    });
    if (accountSetting) this.stage.node.addDependency(accountSetting);
  }

  private accountLogRole(): CfnAccount {
    const role = new Role(this, 'AccountLogRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs'),
      ],
    });
    const account = new CfnAccount(this, 'AccountLogSetting', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    return account;
  }

  /** `wss://…/{stage}`: what clients connect to. */
  get url(): string {
    return this.stage.url;
  }

  /** `https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`: the PostToConnection endpoint. */
  get callbackUrl(): string {
    return this.stage.callbackUrl;
  }
}
