#!/usr/bin/env bash
# Ensures redis-server (Debian's package) is installed. Prints its path on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
command -v redis-server >/dev/null 2>&1 || die "redis-server is not on PATH after installing it"
command -v redis-server
