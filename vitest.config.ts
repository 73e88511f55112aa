import { defineConfig } from 'vitest/config';

// Two projects: unit tests live beside the code and need nothing running;
// integration tests in tests/ get a real Temporal dev server and a real Redis from globalSetup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'workflows/**/*.test.ts', 'adapters/**/*.test.ts', 'mappings/**/*.test.ts', 'examples/**/*.test.ts', 'bench/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One server set is shared; files run one after another so two cores are not oversubscribed.
          fileParallelism: false,
        },
      },
    ],
  },
});
