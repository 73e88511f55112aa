#!/usr/bin/env bash
# npm run bench: provisions what the bench needs (temporal CLI, redis-server, node_modules), then
# runs bench/run.ts. Tunables: BENCH_N, BENCH_CONCURRENCY, BENCH_ROUNDS, BENCH_WARMUP, BENCH_HTTP=0,
# BENCH_HUB_LOG, BENCH_MAP_MS, BENCH_BLOCK_RUNS, BENCH_MAPPING=<adapter or id>,
# Section D (resilience layers, issue 7): BENCH_RES_MS (400 per variant and round), BENCH_RES_ROUNDS (3),
# BENCH_RES_CONCURRENCY (16).
# BENCH_ONLY=engine|lifecycle|mapping|resilience|legacy-erp|finance|load|sqlite|import|scale (comma-separated for several; default all).
# Section J (the hub as http + worker processes, 1 vs 2 workers on the Temporal cluster beside the dev server, issue 19):
# BENCH_SCALE_N (120 orders per side and round), BENCH_SCALE_ROUNDS (2), BENCH_SCALE_CONCURRENCY (16),
# BENCH_SCALE_WARMUP (10 before each batch), BENCH_SCALE_TIMEOUT_S (60);
# skipped unless scripts/provision/temporal-server.sh has built the server.
# Section H (dev server SQLite settings, issue 19): BENCH_SQLITE_N (300), BENCH_SQLITE_ROUNDS (2), BENCH_SQLITE_CONCURRENCY (16).
# Section G (sustained load, issue 19): BENCH_LOAD_RATES (5,10,15,20,30,40 orders/s, stepped up until
# completion falls behind), BENCH_LOAD_S (60 s per rate), BENCH_LOAD_DRAIN_S (60).
# Section I (historical import, issue 17): BENCH_IMPORT_ROWS (100000 rows of a generated GBK export).
# Section F (monthly finance export, issue 16): BENCH_FINANCE_N (100000 generated orders).
# Section E (legacy ERP over ODBC, issue 8): BENCH_ERP_SAMPLES (10 insert-to-start samples at the
# 10 s interval), BENCH_ERP_BACKLOG (2000 rows; the issue's full size is 100000), BENCH_ERP_BATCH (500),
# BENCH_ERP_CONCURRENCY (8), BENCH_ERP_INTERVAL_S (10).
# Section C (full lifecycle vs a floor with the same activity count, issue 4): BENCH_LIFECYCLE_N
# (orders per round and side, 60), BENCH_LIFECYCLE_CONCURRENCY (in flight, 8 = the "moderate load"
# the paid-to-WMS p50 < 300 ms target is read at), BENCH_LIFECYCLE_ROUNDS (2), BENCH_LIFECYCLE_WARMUP
# (10), BENCH_LIFECYCLE_TIMEOUT_S (60: an order without its WMS push by then fails the section),
# BENCH_SF_LATENCY_MS (150) and BENCH_WDT_LATENCY_MS (100): how long the SF and Wangdiantong
# sandboxes take to answer; the section prints paid-to-WMS split per lifecycle step. It runs the hub
# with eager workflow start on and off (temporal.eagerStart) in alternating rounds, and with
# BENCH_LIFECYCLE_WORKER='{"maxCachedWorkflows":100}' (temporal.worker keys) a tuned side as well.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision/all.sh
bash scripts/ensure-deps.sh
# `node --import tsx` rather than `npx tsx`: one process, so Ctrl-C/SIGTERM reach the bench's own
# handlers directly and it stops the temporal and redis-server children it started.
exec node --import tsx bench/run.ts "$@"
