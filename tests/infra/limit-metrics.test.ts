import { beforeAll, describe, expect, it } from 'vitest';
import { LIMIT_METRICS_NAMESPACE, LIMITS } from '#commons/observability/limit-metrics.ts';
import { type SynthesizedZapfleet, synthZapfleet } from './fixture.ts';

let z: SynthesizedZapfleet;
beforeAll(() => {
  z = synthZapfleet({});
});

describe('limit refusal metrics', () => {
  it('counts every limit’s refusals from the API and WebSocket log groups', () => {
    const filters = Object.values(z.observability.findResources('AWS::Logs::MetricFilter')).map(
      (f) => f.Properties,
    );
    for (const limit of Object.values(LIMITS)) {
      const counting = filters.filter((f) =>
        f.MetricTransformations.some(
          (t: { MetricNamespace: string; MetricName: string }) =>
            t.MetricNamespace === LIMIT_METRICS_NAMESPACE && t.MetricName === limit,
        ),
      );
      expect(counting, limit).toHaveLength(2);
      for (const f of counting) {
        expect(f.FilterPattern).toContain('"limit refused"');
        expect(f.FilterPattern).toContain(`"${limit}"`);
      }
    }
  });
});
