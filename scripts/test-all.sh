#!/usr/bin/env bash
# `npm test`: every check, from a fresh clone. Provisions what it needs (temporal CLI build and the
# Java time-skipping test server cached outside the clone, redis-server from Debian), installs npm
# deps, then lint, types, build, unit and integration tests, and the mapping fixtures through the CLI.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
bash scripts/provision/all.sh
bash scripts/ensure-deps.sh
export ZHONGSHU_TEMPORAL_BIN="${ZHONGSHU_TEMPORAL_BIN:-$(bash scripts/provision/temporal.sh)}"
# The workflow-level unit tests (workflows/**/*.test.ts) run on Temporal's time-skipping test server.
export ZHONGSHU_TEST_SERVER_BIN="${ZHONGSHU_TEST_SERVER_BIN:-$(bash scripts/provision/temporal-test-server.sh)}"

echo "== lint"; npx eslint .
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit; npx tsc -p src/console/tsconfig.json
echo "== build"; npx tsc -p tsconfig.build.json; bash scripts/build-console.sh
echo "== alert rules (promtool)"; promtool check rules deploy/monitoring/alert-rules.yml
echo "== mappings (CLI)"; node bin/zhongshu.js mappings test
mkdir -p .data
report=.data/vitest-report.json
unhandled=.data/vitest-unhandled.json
rm -f "$report" "$unhandled"
echo "== vitest (unit + integration)"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" --reporter=./tests/support/unhandled-reporter.ts
status=$?
set -e
# One closing line CI can read whatever the runner printed above. An uncaught error or unhandled
# rejection fails the run even when every test passed: it is counted and named with the test
# that was running, so a red run never reads "0 failed".
node -e '
  const fs = require("fs");
  const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const u = fs.existsSync(process.argv[2]) ? JSON.parse(fs.readFileSync(process.argv[2], "utf8")) : [];
  const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : "") + (u.length ? `, ${u.length} unhandled error(s)` : ""));
  for (const e of u) console.log(`unhandled: ${e.error} (${e.file ?? "no test file"}${e.test ? ` > ${e.test}` : ""})`);
' "$report" "$unhandled" || echo "tests: 0 passed, 1 failed"
echo "== done in $(( $(date +%s) - start ))s"
exit $status
