/**
 * The dashboard as deployed: its own small Lambda behind the HTTP API's
 * /dashboard routes (same origin as the API), told where the WebSocket is and
 * which claims to read, with no AWS permission beyond its logs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_ENV } from '../../functions/dashboard/serve/dashboard-env.ts';
import { createResolver, type SynthesizedZapfleet, statementsOfRole, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
let resolve: (value: unknown) => string;
beforeAll(() => {
  z = synthZapfleet({ tenantClaim: 'org', roleClaim: 'perm' });
  resolve = createResolver(z);
});

const dashboardFn = () => z.stacks.api.dashboard.function;

describe('dashboard deployment', () => {
  it('routes GET /dashboard, /dashboard/{proxy+} and /docs of the HTTP API to the dashboard Lambda, and nothing else', () => {
    const httpApiId = z.logicalId(z.stacks.api.httpApi.api);
    const routes = Object.values(z.api.findResources('AWS::ApiGatewayV2::Route')).filter(
      (r) => r.Properties.ApiId.Ref === httpApiId,
    );
    const integrations = z.api.findResources('AWS::ApiGatewayV2::Integration');
    const target = (route: { [key: string]: { Target?: unknown } }) => {
      const ref = resolve(route.Properties?.Target).replace(/^integrations\//, '');
      const integration = integrations[ref.replace(/^<|>$/g, '')];
      return resolve(integration?.Properties.IntegrationUri);
    };
    const byKey = Object.fromEntries(routes.map((r) => [r.Properties.RouteKey, target(r)]));
    const dashboard = `<${z.logicalId(dashboardFn())}>`;
    expect(byKey).toEqual({
      $default: `<${z.logicalId(z.stacks.api.apiFunction.function)}>`,
      'GET /dashboard': dashboard,
      'HEAD /dashboard': dashboard,
      'ANY /dashboard/{proxy+}': dashboard,
      // The API reference (Swagger UI) rides on the same Lambda, outside the API's bundle.
      'GET /docs': dashboard,
      'HEAD /docs': dashboard,
      'GET /docs/{proxy+}': dashboard,
      'HEAD /docs/{proxy+}': dashboard,
    });
  });

  it('tells the page the WebSocket stage URL, the media bucket origin and the configured claim names', () => {
    const fn = z.api.toJSON().Resources[z.logicalId(dashboardFn())].Properties;
    const env = fn.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(env).sort()).toEqual(Object.values(DASHBOARD_ENV).sort());
    expect(resolve(env[DASHBOARD_ENV.wsUrl])).toBe(
      'wss://<wsApi>.execute-api.{AWS::Region}.{AWS::URLSuffix}/live',
    );
    // The page PUTs picked files to the media bucket: its CSP names the bucket's regional origin.
    expect(JSON.stringify(env[DASHBOARD_ENV.mediaUploadOrigin])).toMatch(/https:\/\/.*RegionalDomainName/);
    expect(env[DASHBOARD_ENV.tenantClaim]).toBe('org');
    expect(env[DASHBOARD_ENV.roleClaim]).toBe('perm');
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], MemorySize: 256 });
  });

  it('grants the dashboard Lambda nothing: it reads no table, bucket or secret', () => {
    const role = (
      z.api.toJSON().Resources[z.logicalId(dashboardFn())].Properties.Role as { 'Fn::GetAtt': string[] }
    )['Fn::GetAtt'][0] as string;
    expect(statementsOfRole(z.api, role, resolve)).toEqual([]);
  });
});
