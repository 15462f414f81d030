import { defineConfig } from 'vitest/config';

// Two projects run together by `vitest run`: everything but test/integration, and the
// integration tests, which alone start the local S3 emulator (globalSetup).
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    // Tests never create a visitor-salt file in the home folder of the machine they run on.
    env: { LETSFLOW_VISITOR_SALT: '6c657473666c6f772d746573742d73616c74' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/integration/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['./test/integration/globalSetup.ts'],
          env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      },
    ],
  },
});
