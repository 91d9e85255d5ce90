import { beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
beforeAll(() => {
  z = synthZapfleet({ alarmEmail: 'oncall@example.com' });
});

describe('webhook dispatcher in the cloud', () => {
  it('reads the events table stream (new images, INSERT only) and runs a scheduled sweep', () => {
    z.data.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
    const mappings = Object.values(z.api.findResources('AWS::Lambda::EventSourceMapping')).map(
      (m) => m.Properties,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
    });
    const rules = Object.values(z.api.findResources('AWS::Events::Rule')).map((r) => r.Properties);
    expect(rules.map((r) => r.ScheduleExpression)).toEqual(['rate(1 minute)']);
  });

  it('alarms on dead letters and on the age of the oldest pending work', () => {
    const alarms = Object.values(z.observability.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties,
    );
    expect(alarms.find((a) => a.MetricName === 'WebhookDeadLetters')).toMatchObject({
      Threshold: 1,
      Statistic: 'Sum',
    });
    expect(alarms.find((a) => a.MetricName === 'WebhookOldestPendingAgeSeconds')).toMatchObject({
      Statistic: 'Maximum',
      Threshold: 3600,
      TreatMissingData: 'breaching',
    });
    z.observability.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.msg = "webhook delivery dead-lettered" }',
    });
  });
});

describe('overview counters in the cloud', () => {
  it('lets the dispatcher move the tenants table’s counters and the API read them, nothing more', async () => {
    const { accessByResource, createResolver, statementsOfRole } = await import('./fixture.ts');
    const resolve = createResolver(z);
    const access = (fn: { role?: unknown }) =>
      accessByResource(
        statementsOfRole(z.api, z.logicalId(fn.role as Parameters<typeof z.logicalId>[0]), resolve),
      );
    expect(access(z.stacks.api.webhooks.fn.function)['<table:tenants>']).toEqual(['dynamodb:UpdateItem']);
    const api = access(z.stacks.api.apiFunction.function);
    expect(api['<table:tenants>']).toContain('dynamodb:Query');
    expect(api['<table:sessions>']).toContain('dynamodb:Scan');
  });
});
