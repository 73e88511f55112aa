#!/usr/bin/env bash
# Ensures the PostgreSQL server binaries (Debian's package) that the legacy-ERP integration tests
# and bench start on a throwaway data directory. Never starts the system service (policy-rc.d in
# apt_install); the tests run their own server as the `postgres` user. Prints the bin directory.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
find_pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && { echo "$d"; return 0; }
  done
  return 1
}
if ! find_pg_bin >/dev/null; then
  apt_install postgresql
fi
bin=$(find_pg_bin) || die "no PostgreSQL server binaries (initdb, postgres) under /usr/lib/postgresql/*/bin after installing postgresql"
# PostgreSQL refuses to run as root: the tests switch to this account.
if is_root && ! id postgres >/dev/null 2>&1; then
  die "running as root but there is no 'postgres' user to run the server as (the postgresql package creates it)"
fi
echo "$bin"
