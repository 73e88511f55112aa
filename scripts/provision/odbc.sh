#!/usr/bin/env bash
# Ensures unixODBC (runtime + headers, which the native `odbc` npm package compiles against, so
# this must run before `npm install`) and the psqlODBC driver the legacy-ERP tests read PostgreSQL
# through. Debian's packages; idempotent. Prints the psqlODBC driver's path on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
apt_install unixodbc unixodbc-dev odbc-postgresql
command -v odbcinst >/dev/null 2>&1 || die "odbcinst is not on PATH after installing unixodbc"
[ -f /usr/include/sql.h ] || die "unixODBC headers (/usr/include/sql.h) are missing after installing unixodbc-dev"
# odbc-postgresql registers "PostgreSQL Unicode" in /etc/odbcinst.ini; connection strings name it.
odbcinst -q -d -n "PostgreSQL Unicode" >/dev/null 2>&1 || die 'the "PostgreSQL Unicode" ODBC driver is not registered (odbcinst -q -d); reinstall odbc-postgresql'
driver=$(odbcinst -q -d -n "PostgreSQL Unicode" | sed -n 's/^Driver=//p' | head -n1)
case "$driver" in /*) ;; *) driver="/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/odbc/$driver" ;; esac
[ -f "$driver" ] || die "psqlODBC driver file $driver is missing"
echo "$driver"
