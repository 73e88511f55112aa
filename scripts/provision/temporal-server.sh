#!/usr/bin/env bash
# Builds the Temporal server (go.temporal.io/server/cmd/server) and its SQL schema tool
# (cmd/tools/sql) from their Go module and caches them outside the clone, with the module's
# PostgreSQL v12 schema files beside them, so a second run takes milliseconds. v1.29.1 has no
# `replace` directive, which `go install pkg@version` refuses. Prints the cache directory:
#   <dir>/temporal-server, <dir>/temporal-sql-tool, <dir>/schema/postgresql/v12/{temporal,visibility}
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dir="$TEMPORAL_SERVER_DIR"
ready="$dir/.complete"
if [ -f "$ready" ] && [ -x "$dir/temporal-server" ] && [ -x "$dir/temporal-sql-tool" ]; then
  echo "$dir"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "the Temporal server is built from source and needs Go >= 1.23 on PATH (https://go.dev/doc/install); none found"
go_minor=$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')
[ "${go_minor:-0}" -ge 23 ] 2>/dev/null || die "Go $(go env GOVERSION) is too old to build the Temporal server $TEMPORAL_SERVER_VERSION: need go1.23 or newer"

mkdir -p "$dir"
exec 9>"$dir/.build.lock"
flock 9  # two scripts starting at once build it once
if [ -f "$ready" ]; then echo "$dir"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
module="go.temporal.io/server@$TEMPORAL_SERVER_VERSION"
say "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL tool from their Go module (first run only; ~3 min on 2 idle cores)"
start=$(date +%s)
status=0
GOBIN="$tmp" GOFLAGS=-mod=mod go_install_progress \
  "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
  "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" || status=$?
[ "$status" -eq 0 ] && [ -x "$tmp/server" ] && [ -x "$tmp/sql" ] || die "go install of the Temporal server $TEMPORAL_SERVER_VERSION failed (exit $status): see the lines above"

# The schema files ship in the module; copy them so nothing later depends on the module cache.
mod_dir=$(GOFLAGS=-mod=mod go mod download -json "$module" | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')
[ -d "$mod_dir/schema/postgresql/v12/temporal/versioned" ] || die "no schema/postgresql/v12 in the module download ($module at '$mod_dir')"
rm -rf "$dir/schema"
mkdir -p "$dir/schema/postgresql"
cp -R "$mod_dir/schema/postgresql/v12" "$dir/schema/postgresql/v12"
chmod -R u+w "$dir/schema"
mv "$tmp/server" "$dir/temporal-server"
mv "$tmp/sql" "$dir/temporal-sql-tool"
touch "$ready"
say "Temporal server $TEMPORAL_SERVER_VERSION built in $(( $(date +%s) - start ))s: $dir"
echo "$dir"
