#!/usr/bin/env bash
# npm run bench: provisions what the bench needs (temporal CLI, redis-server, node_modules), then
# runs bench/run.ts. Tunables: BENCH_N, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_WARMUP, BENCH_HTTP=0,
# BENCH_HUB_LOG, BENCH_MAP_MS, BENCH_BLOCK_RUNS, BENCH_MAPPING=<adapter or id>, BENCH_ONLY=engine|mapping.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision/all.sh
bash scripts/ensure-deps.sh
# `node --import tsx` rather than `npx tsx`: one process, so Ctrl-C/SIGTERM reach the bench's own
# handlers directly and it stops the temporal and redis-server children it started.
exec node --import tsx bench/run.ts "$@"
