import { defineConfig } from 'vitest/config';

/**
 * Which project a test file runs in. Unit and e2e are named here; integration
 * is everything else, so a new test lands with the embedded AWS by default.
 *
 * unit: pure code, no global setup, no network (tests/support/unit-lane-setup.ts
 * makes any connect or listen throw, and createTestAws refuses without the
 * global setup), so `npm run test:unit` needs neither Java nor a server.
 */
const UNIT = [
  'tests/domain/**/*.test.ts',
  'tests/architecture/**/*.test.ts',
  'tests/**/*.unit.test.ts',
  'tests/fleet/lease-simulation.test.ts',
];
/** Real processes: the demo, host processes, child-process handling, the CDK CLI. */
const E2E = [
  'tests/e2e/**/*.test.ts',
  'tests/**/*.e2e.test.ts',
  'tests/fleet/fleet-processes.test.ts',
  'tests/chaos/chaos-short.test.ts',
  'tests/session-host/shipped-bundle-logs.test.ts',
  'tests/foundation/child-processes.test.ts',
  'tests/fake-whatsapp/control-http.test.ts',
  'tests/infra/cdk-synth.test.ts',
];
/** Checks that read what the rest of the suite left behind (the AWS operation log). */
const AFTER_SUITE = ['tests/after-suite/**/*.test.ts'];

/** DynamoDB Local + s3rver, started once per run and shared by every project that lists it. */
const WITH_AWS = { globalSetup: ['tests/support/global-setup.ts'] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, setupFiles: ['tests/support/unit-lane-setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          exclude: [...UNIT, ...E2E, ...AFTER_SUITE],
          ...WITH_AWS,
        },
      },
      { extends: true, test: { name: 'e2e', include: E2E, exclude: AFTER_SUITE, ...WITH_AWS } },
      // A higher group starts only once every file of the lower groups has finished.
      {
        extends: true,
        test: { name: 'after-suite', include: AFTER_SUITE, sequence: { groupOrder: 1 }, ...WITH_AWS },
      },
    ],
  },
});
