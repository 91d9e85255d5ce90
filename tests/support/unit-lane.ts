/** Thrown when a file in the `unit` project reaches for something only the other projects have. */
export class UnitLaneError extends Error {}

export function unitLaneRefusal(what: string): UnitLaneError {
  return new UnitLaneError(
    `${what}: the unit project runs with no network, no embedded AWS and no global setup. ` +
      'Keep such a test out of tests/domain, tests/architecture and *.unit.test.ts so it runs in ' +
      'the integration project (see vitest.config.ts).',
  );
}
