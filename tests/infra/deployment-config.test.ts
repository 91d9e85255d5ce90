import { describe, expect, it } from 'vitest';
import { DeploymentConfigError, parseDeploymentConfig } from '../../infra/stacks/deployment-config.ts';

const from = (values: Record<string, unknown>) => parseDeploymentConfig((key) => values[key]);

describe('deployment context', () => {
  it('has documented defaults for a fresh clone', () => {
    expect(from({})).toMatchObject({
      stackPrefix: 'Zapfleet',
      jwtAudience: 'zapfleet',
      tenantClaim: 'tenant',
      roleClaim: 'role',
      natGateways: 2,
      hostCpu: 1024,
      hostMemoryMiB: 4096,
      hostCapacity: 1000,
      targetSessionsPerHost: 700,
      minHosts: 2,
      maxHosts: 20,
      hostRequestTimeoutMs: 5000,
      logRetentionDays: 30,
    });
    expect(from({}).jwksUrl).toBeUndefined();
  });

  it('accepts the strings `cdk deploy -c key=value` passes', () => {
    expect(
      from({ natGateways: '1', hostCpu: '2048', minHosts: '1', jwksUrl: 'https://idp.example/jwks' }),
    ).toMatchObject({ natGateways: 1, hostCpu: 2048, minHosts: 1, jwksUrl: 'https://idp.example/jwks' });
  });

  it.each([
    [{ hostCpu: '300' }, 'hostCpu'],
    [{ jwksUrl: 'not a url' }, 'jwksUrl'],
    [{ logRetentionDays: '8' }, 'logRetentionDays'],
    [{ minHosts: '5', maxHosts: '2' }, 'minHosts'],
    [{ targetSessionsPerHost: '2000' }, 'targetSessionsPerHost'],
    [{ natGateways: '0' }, 'natGateways'],
  ])('refuses %o loudly, naming the key', (values, key) => {
    expect(() => from(values)).toThrow(DeploymentConfigError);
    expect(() => from(values)).toThrow(new RegExp(key));
  });
});
