#!/usr/bin/env bash
# promtool (Debian's prometheus package) for `promtool check rules` on deploy/monitoring's alert
# rules in CI. The package's server is never started (apt_install blocks service starts).
# Prints promtool's path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v promtool >/dev/null 2>&1 || apt_install prometheus
command -v promtool >/dev/null 2>&1 || die "promtool is not on PATH after installing Debian's prometheus package"
command -v promtool
