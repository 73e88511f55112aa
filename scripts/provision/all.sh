#!/usr/bin/env bash
# Everything the hub and its tests need on a fresh machine; idempotent and quick on a second run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/redis.sh" >/dev/null
"$here/temporal.sh" >/dev/null
# unixODBC headers before `npm install` (ensure-deps.sh runs after this): the `odbc` package compiles against them.
odbc_driver=$("$here/odbc.sh")
pg_bin=$("$here/postgres.sh")
say "provisioned: temporal ($TEMPORAL_BIN), redis-server ($(command -v redis-server)), unixODBC + psqlODBC ($odbc_driver), PostgreSQL ($pg_bin)"
