import { defineConfig } from 'vitest/config';

/** Checks that read what the rest of the suite left behind (the AWS operation log). */
const AFTER_SUITE = 'tests/after-suite/**/*.test.ts';

export default defineConfig({
  test: {
    globalSetup: ['tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      { extends: true, test: { name: 'suite', include: ['tests/**/*.test.ts'], exclude: [AFTER_SUITE] } },
      // A higher group starts only once every file of the lower groups has finished.
      { extends: true, test: { name: 'after-suite', include: [AFTER_SUITE], sequence: { groupOrder: 1 } } },
    ],
  },
});
