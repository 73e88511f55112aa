#!/usr/bin/env bash
# Everything the hub and its tests need on a fresh machine; idempotent and quick on a second run.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/redis.sh" >/dev/null
"$here/temporal.sh" >/dev/null
say "provisioned: temporal ($TEMPORAL_BIN), redis-server ($(command -v redis-server))"
