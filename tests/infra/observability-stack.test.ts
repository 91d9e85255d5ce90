import { beforeAll, describe, expect, it } from 'vitest';
import { createResolver, type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
let resolve: (value: unknown) => string;
beforeAll(() => {
  z = synthZapfleet({ alarmEmail: 'oncall@example.com' });
  resolve = createResolver(z);
});

const alarm = (id: string) => {
  const alarms = z.observability.findResources('AWS::CloudWatch::Alarm');
  const match = Object.entries(alarms).find(([logicalId]) => logicalId.startsWith(id));
  if (!match) throw new Error(`no alarm ${id}: ${Object.keys(alarms).join(', ')}`);
  return match[1].Properties;
};

const topicRef = () => ({ Ref: z.logicalId(z.stacks.observability.topic) });

describe('alarms', () => {
  it('alarm when no host has published its heartbeat metric for 3 minutes (no data counts as missing)', () => {
    expect(alarm('HostHeartbeatsMissing')).toMatchObject({
      Namespace: 'Zapfleet',
      MetricName: 'SessionsOwned',
      Statistic: 'SampleCount',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topicRef()],
    });
  });

  it('alarm on errors of each Lambda', () => {
    for (const [id, fn] of [
      ['HttpApiHandlerErrors', z.stacks.api.apiFunction.function],
      ['WebSocketHandlerErrors', z.stacks.api.wsFunction.function],
    ] as const) {
      const props = alarm(id);
      expect(props).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Threshold: 5,
        AlarmActions: [topicRef()],
      });
      expect(resolve(props.Dimensions[0].Value)).toBe(`<${z.logicalId(fn)}>`);
    }
  });

  it('alarm on the HTTP API 5xx rate, not its count', () => {
    const props = alarm('Http5xxRate');
    const expression = (props.Metrics as { Expression?: string }[]).find((m) => m.Expression);
    expect(expression?.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    const names = (props.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[])
      .map((m) => m.MetricStat?.Metric.MetricName)
      .filter(Boolean)
      .sort();
    expect(names).toEqual(['5xx', 'Count']);
    expect(props).toMatchObject({
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      DatapointsToAlarm: 3,
    });
  });

  it('count PostToConnection failures logged by the WebSocket Lambda and the hosts, and alarm on them', () => {
    const filters = Object.values(z.observability.findResources('AWS::Logs::MetricFilter'))
      .map((f) => f.Properties)
      .filter((p) => p.MetricTransformations[0].MetricName === 'PostToConnectionFailures');
    expect(filters.map((f) => resolve(f.LogGroupName)).sort()).toEqual(
      [`<${z.logicalId(z.stacks.api.wsFunction.logGroup)}>`, '<logs:hosts>'].sort(),
    );
    for (const f of filters) {
      expect(f.FilterPattern).toBe('{ $.msg = "post to connection failed" }');
      expect(f.MetricTransformations).toEqual([
        { MetricNamespace: 'Zapfleet', MetricName: 'PostToConnectionFailures', MetricValue: '1' },
      ]);
    }
    expect(alarm('PostToConnectionFailures')).toMatchObject({
      Namespace: 'Zapfleet',
      MetricName: 'PostToConnectionFailures',
      Statistic: 'Sum',
      Threshold: 10,
    });
  });

  it('send every alarm to the topic, which the configured address subscribes to', () => {
    for (const props of Object.values(z.observability.findResources('AWS::CloudWatch::Alarm'))) {
      expect(props.Properties.AlarmActions).toEqual([topicRef()]);
    }
    z.observability.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });
});

describe('log groups', () => {
  it('every log group of every stack has the configured retention', () => {
    const groups = [z.api, z.fleet, z.observability, z.data, z.network].flatMap((t) =>
      Object.values(t.findResources('AWS::Logs::LogGroup')),
    );
    // HTTP Lambda, WebSocket Lambda, webhook dispatcher, dashboard Lambda, HTTP access logs,
    // WebSocket access logs, hosts.
    expect(groups).toHaveLength(7);
    for (const g of groups) expect(g.Properties.RetentionInDays).toBe(30);
  });

  it('retention follows context', () => {
    const week = synthZapfleet({ logRetentionDays: '7' });
    for (const g of Object.values(week.fleet.findResources('AWS::Logs::LogGroup'))) {
      expect(g.Properties.RetentionInDays).toBe(7);
    }
  });
});
