import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV } from '#commons/config/env-names.ts';
import { AuthBucket } from '../../infra/constructs/auth-bucket.ts';
import { synthZapfleet } from './fixture.ts';

function rulesOf(props?: ConstructorParameters<typeof AuthBucket>[2]): Record<string, unknown>[] {
  const stack = new Stack(new App(), 'Test');
  new AuthBucket(stack, 'Auth', props);
  const bucket = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'))[0];
  return bucket?.Properties.LifecycleConfiguration.Rules as Record<string, unknown>[];
}

describe('the auth bucket construct', () => {
  it('expires noncurrent versions of auth objects (each holds full creds) after one day by default', () => {
    expect(rulesOf()).toContainEqual(
      expect.objectContaining({
        Status: 'Enabled',
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        ExpiredObjectDeleteMarker: true,
      }),
    );
  });

  it('lets the caller choose another retention', () => {
    expect(rulesOf({ noncurrentVersionExpiration: Duration.days(3) })).toContainEqual(
      expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 3 } }),
    );
  });
});

describe('the operator tenant in the deployment', () => {
  const envOf = (template: Template) =>
    Object.values(template.findResources('AWS::Lambda::Function'))
      .map((fn) => fn.Properties.Environment?.Variables as Record<string, unknown> | undefined)
      .filter((vars): vars is Record<string, unknown> => vars?.[ENV.tenantClaim] !== undefined);

  it('passes operatorTenant to the HTTP, WebSocket and webhook dispatcher Lambdas', () => {
    const functions = envOf(synthZapfleet({ operatorTenant: 'ops' }).api);
    expect(functions).toHaveLength(3);
    for (const vars of functions) expect(vars[ENV.operatorTenant]).toBe('ops');
  });

  it('leaves it unset (every MASTER token refused) when not configured', () => {
    for (const vars of envOf(synthZapfleet().api)) expect(vars).not.toHaveProperty(ENV.operatorTenant);
  });
});
