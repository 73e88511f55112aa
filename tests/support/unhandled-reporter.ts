import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** Where `npm test` reads the run's unhandled errors back for its closing line. */
export const UNHANDLED_REPORT = '.data/vitest-unhandled.json';

/**
 * Vitest fails a run on an uncaught error or unhandled rejection even when every test passed,
 * but its JSON report leaves them out, so the closing line said "0 failed" on a red run. This
 * reporter writes each one with the file and the test that was running when it was thrown.
 */
export default class UnhandledErrorsReporter implements Reporter {
  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const rows = unhandledErrors.map((e) => ({
      error: `${e.name ?? 'Error'}: ${e.message}`,
      file: typeof e['VITEST_TEST_PATH'] === 'string' ? path.relative(process.cwd(), e['VITEST_TEST_PATH']) : null,
      test: typeof e['VITEST_TEST_NAME'] === 'string' ? e['VITEST_TEST_NAME'] : null,
    }));
    mkdirSync(path.dirname(UNHANDLED_REPORT), { recursive: true });
    writeFileSync(UNHANDLED_REPORT, JSON.stringify(rows, null, 2));
  }
}
