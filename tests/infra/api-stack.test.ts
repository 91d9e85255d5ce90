import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { TABLES } from '#commons/storage/tables.ts';
import { createResolver, type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
let resolve: (value: unknown) => string;
beforeAll(() => {
  z = synthZapfleet({
    jwksUrl: 'https://idp.example.com/.well-known/jwks.json',
    jwtIssuer: 'https://idp.example.com/',
  });
  resolve = createResolver(z);
});

const fn = (which: 'apiFunction' | 'wsFunction') =>
  z.api.toJSON().Resources[z.logicalId(z.stacks.api[which].function)].Properties;

const STORAGE_ENV = [...Object.values(TABLES).map((t) => t.envName), ENV.authBucket, ENV.mediaBucket];
const AUTH_ENV = [ENV.jwksUrl, ENV.jwtIssuer, ENV.jwtAudience, ENV.tenantClaim, ENV.roleClaim];

describe('HTTP API', () => {
  it('sends every route to the Hono Lambda through a payload v2 proxy integration', () => {
    z.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    z.api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      ApiId: { Ref: z.logicalId(z.stacks.api.httpApi.api) },
    });
    const integration = Object.values(z.api.findResources('AWS::ApiGatewayV2::Integration')).find(
      (i) => i.Properties.ApiId.Ref === z.logicalId(z.stacks.api.httpApi.api),
    );
    expect(integration?.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    expect(resolve(integration?.Properties.IntegrationUri)).toBe(
      `<${z.logicalId(z.stacks.api.apiFunction.function)}>`,
    );
  });

  it('has an auto-deployed, throttled $default stage with access logs', () => {
    z.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 },
      AccessLogSettings: Match.objectLike({
        DestinationArn: { 'Fn::GetAtt': [z.logicalId(z.stacks.api.httpApi.accessLogs), 'Arn'] },
      }),
    });
  });
});

describe('WebSocket API', () => {
  it('routes $connect, $disconnect, $default and the custom actions, all to the WebSocket Lambda', () => {
    const apiId = z.logicalId(z.stacks.api.webSocketApi.api);
    z.api.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: '$request.body.action',
    });
    const routes = Object.values(z.api.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => r.Properties.ApiId.Ref === apiId,
    );
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual(
      ['$connect', '$default', '$disconnect', 'ping', 'subscribe', 'unsubscribe'].sort(),
    );
    // The token is verified in the $connect handler: no authorizer in front of it.
    for (const route of routes) expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    z.api.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const integrations = Object.values(z.api.findResources('AWS::ApiGatewayV2::Integration')).filter(
      (i) => i.Properties.ApiId.Ref === apiId,
    );
    expect(integrations).toHaveLength(6);
    for (const i of integrations) {
      expect(resolve(i.Properties.IntegrationUri)).toContain(
        `<${z.logicalId(z.stacks.api.wsFunction.function)}>`,
      );
    }
  });

  it('has the `live` stage, throttled, with access logs that leave the query string (token) out', () => {
    const stage = Object.values(z.api.findResources('AWS::ApiGatewayV2::Stage')).find(
      (s) => s.Properties.StageName === 'live',
    );
    expect(stage?.Properties).toMatchObject({
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 },
    });
    const format = stage?.Properties.AccessLogSettings.Format as string;
    expect(format).toContain('$context.connectionId');
    expect(format).not.toMatch(/querystring|token/i);
  });

  it('outputs the HTTP URL and the WebSocket URL', () => {
    z.api.hasOutput('HttpApiUrl', {});
    z.api.hasOutput('WebSocketUrl', {});
    const ws = resolve(z.api.toJSON().Outputs.WebSocketUrl.Value);
    expect(ws).toBe('wss://<wsApi>.execute-api.{AWS::Region}.{AWS::URLSuffix}/live');
  });
});

describe('control-plane Lambdas', () => {
  it('run Node 22 on arm64, bundled as ESM', () => {
    for (const which of ['apiFunction', 'wsFunction'] as const) {
      expect(fn(which)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('HTTP Lambda gets exactly the storage, auth, timeout and internal-token secret variables', () => {
    const env = fn('apiFunction').Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(
      [
        ...STORAGE_ENV,
        ...AUTH_ENV,
        ENV.logLevel,
        ENV.hostRequestTimeoutMs,
        ENV.internalTokenSecretArn,
      ].sort(),
    );
    expect(env[ENV.jwksUrl]).toBe('https://idp.example.com/.well-known/jwks.json');
    expect(env[ENV.jwtIssuer]).toBe('https://idp.example.com/');
    expect(env[ENV.hostRequestTimeoutMs]).toBe('5000');
    expect(resolve(env[TABLES.sessions.envName])).toBe('<table:sessions>');
    expect(resolve(env[ENV.authBucket])).toBe('<bucket:auth>');
    expect(resolve(env[ENV.mediaBucket])).toBe('<bucket:media>');
    // The ARN, read at cold start: the value is in neither the template nor the deployed configuration.
    expect(resolve(env[ENV.internalTokenSecretArn])).toBe('<secret:internalToken>');
  });

  it('no Lambda environment holds a secret value or a reference CloudFormation resolves to one', () => {
    const offenders: string[] = [];
    for (const template of [z.data, z.network, z.api, z.fleet, z.observability]) {
      for (const [id, f] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
        const env = (f.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
        for (const [name, value] of Object.entries(env)) {
          const text = JSON.stringify(value);
          if (
            name === ENV.internalToken ||
            name === ENV.jwtSecret ||
            /resolve:secretsmanager|resolve:ssm-secure/.test(text)
          ) {
            offenders.push(`${id}.${name}`);
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('WebSocket Lambda gets the storage and auth variables and the stage callback URL, and no internal token', () => {
    const env = fn('wsFunction').Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(
      [...STORAGE_ENV, ...AUTH_ENV, ENV.logLevel, ENV.wsManagementEndpoint].sort(),
    );
    expect(resolve(env[ENV.wsManagementEndpoint])).toBe(
      'https://<wsApi>.execute-api.{AWS::Region}.{AWS::URLSuffix}/live',
    );
  });

  it('HTTP Lambda runs in the private subnets with the security group the hosts admit', () => {
    const vpc = fn('apiFunction').VpcConfig;
    const sg = resolve(vpc.SecurityGroupIds[0]);
    expect(vpc.SecurityGroupIds).toHaveLength(1);
    expect(sg).toBe(`<${z.logicalId(z.stacks.network.hostClientSecurityGroup)}>.GroupId`);
    const privateSubnets = z.stacks.network.vpc.privateSubnets.map((s) => `<${z.logicalId(s)}>`).sort();
    expect((vpc.SubnetIds as unknown[]).map(resolve).sort()).toEqual(privateSubnets);
  });

  it('WebSocket Lambda stays out of the VPC (it calls only AWS APIs)', () => {
    expect(fn('wsFunction').VpcConfig).toBeUndefined();
  });

  it('log to their own log groups', () => {
    for (const which of ['apiFunction', 'wsFunction'] as const) {
      expect(fn(which).LoggingConfig).toEqual({
        LogGroup: { Ref: z.logicalId(z.stacks.api[which].logGroup) },
      });
    }
  });
});

describe('without JWKS configuration', () => {
  it('still synthesizes, leaves the JWKS variables unset and warns', () => {
    const bare = synthZapfleet();
    const env = bare.api.toJSON().Resources[bare.logicalId(bare.stacks.api.apiFunction.function)].Properties
      .Environment.Variables as Record<string, unknown>;
    expect(env[ENV.jwksUrl]).toBeUndefined();
    expect(env[ENV.jwtIssuer]).toBeUndefined();
    const warnings = bare.stacks.api.node.metadata.filter((m) => m.type === 'aws:cdk:warning');
    expect(warnings.map((w) => String(w.data))).toEqual(
      expect.arrayContaining([expect.stringContaining('jwksUrl and jwtIssuer are not set')]),
    );
  });
});
