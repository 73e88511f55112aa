#!/usr/bin/env bash
# Ensures Debian's chromium for the console's browser tests (tests/console-browser.test.ts drives it
# with playwright-core, which downloads no browser). Prints its path on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if [ -n "${ZHONGSHU_CHROMIUM:-}" ] && [ -x "$ZHONGSHU_CHROMIUM" ]; then
  echo "$ZHONGSHU_CHROMIUM"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
command -v chromium >/dev/null 2>&1 || die "chromium is not on PATH after installing it"
command -v chromium
