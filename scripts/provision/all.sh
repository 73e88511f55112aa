#!/usr/bin/env bash
# Everything the hub and its tests need on a fresh machine; idempotent and quick on a second run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/redis.sh" >/dev/null
"$here/temporal.sh" >/dev/null
# The Temporal server itself for the production-topology test (tests/cluster-topology.test.ts).
temporal_server_dir=$("$here/temporal-server.sh")
promtool_bin=$("$here/promtool.sh")
# unixODBC headers before `npm install` (ensure-deps.sh runs after this): the `odbc` package compiles against them.
odbc_driver=$("$here/odbc.sh")
pg_bin=$("$here/postgres.sh")
# Debian's chromium for the console's browser tests (playwright-core drives it; no browser download).
chromium_bin=$("$here/chromium.sh")
say "provisioned: temporal ($TEMPORAL_BIN), temporal server ($temporal_server_dir), promtool ($promtool_bin), redis-server ($(command -v redis-server)), unixODBC + psqlODBC ($odbc_driver), PostgreSQL ($pg_bin), chromium ($chromium_bin)"
