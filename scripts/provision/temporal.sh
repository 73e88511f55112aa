#!/usr/bin/env bash
# Builds the `temporal` CLI (dev server included) from its Go module and caches it outside the
# clone, so the second run takes milliseconds. v1.5.1 is the last release without a `replace`
# directive, which `go install pkg@version` refuses. Prints the binary's path on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -x "$TEMPORAL_BIN" ] && "$TEMPORAL_BIN" --version >/dev/null 2>&1; then
  echo "$TEMPORAL_BIN"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "the temporal CLI is built from source and needs Go >= 1.23 on PATH (https://go.dev/doc/install); none found. Or point TEMPORAL_ADDRESS at an existing Temporal server."
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "${go_minor:-0}" -ge 23 ] 2>/dev/null || die "Go $(go env GOVERSION) is too old to build temporal $TEMPORAL_CLI_VERSION: need go1.23 or newer"

mkdir -p "$(dirname "$TEMPORAL_BIN")"
exec 9>"$(dirname "$TEMPORAL_BIN")/.build.lock"
flock 9  # two scripts starting at once build it once
if [ -x "$TEMPORAL_BIN" ]; then echo "$TEMPORAL_BIN"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "building temporal CLI $TEMPORAL_CLI_VERSION from its Go module (first run only; ~8 min on 2 cores)"
start=$(date +%s)
status=0
GOBIN="$tmp" GOFLAGS=-mod=mod go_install_progress "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" || status=$?
[ "$status" -eq 0 ] && [ -x "$tmp/temporal" ] || die "go install github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION failed (exit $status): see the lines above"
mv "$tmp/temporal" "$TEMPORAL_BIN"
say "temporal CLI built in $(( $(date +%s) - start ))s: $TEMPORAL_BIN"
echo "$TEMPORAL_BIN"
