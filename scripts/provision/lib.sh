# Shared helpers for the provisioning scripts. Sourced, not run.
set -euo pipefail

ZS_CACHE_DIR="${ZHONGSHU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/zhongshu}"
TEMPORAL_CLI_VERSION="v1.5.1"
TEMPORAL_BIN="$ZS_CACHE_DIR/temporal-cli-$TEMPORAL_CLI_VERSION/temporal"
# The Temporal server itself (not the dev server) for the production-topology test: its four
# services on PostgreSQL. src/deploy/temporal-server.ts repeats this version to find the binaries.
TEMPORAL_SERVER_VERSION="v1.29.1"
TEMPORAL_SERVER_DIR="$ZS_CACHE_DIR/temporal-server-$TEMPORAL_SERVER_VERSION"
# The time-skipping test server (Java, io.temporal:temporal-test-server on Maven Central) for the
# fast workflow tests; tests/support/workflow-env.ts repeats this version to find the wrapper.
TEMPORAL_TEST_SERVER_VERSION="1.38.0"
TEMPORAL_TEST_SERVER_BIN="$ZS_CACHE_DIR/temporal-test-server-$TEMPORAL_TEST_SERVER_VERSION/temporal-test-server"

say() { printf '[zhongshu] %s\n' "$*" >&2; }
die() { printf '[zhongshu] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }

APT_UPDATED_MARK="$ZS_CACHE_DIR/.apt-updated"

# Installs Debian packages when missing; a clear message (not a stack trace) when it cannot.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages ${missing[*]} and no apt-get here: install them with your package manager"
  is_root || die "missing packages ${missing[*]}: run as root, or install them first (sudo apt-get install ${missing[*]})"
  mkdir -p "$ZS_CACHE_DIR"
  # One 'apt-get update' per day is enough; it is the slow part.
  if [ ! -f "$APT_UPDATED_MARK" ] || [ -n "$(find "$APT_UPDATED_MARK" -mmin +1440 2>/dev/null)" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    touch "$APT_UPDATED_MARK"
  fi
  say "installing ${missing[*]} from Debian's packages"
  # policy-rc.d 101 keeps Debian from auto-starting the system services: the hub starts its own.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; created_policy=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || { [ $created_policy = 1 ] && rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  [ $created_policy = 1 ] && rm -f "$policy"
  return 0
}

# Runs `go install -v ARGS...` and turns its output into progress lines. `-v` prints one import
# path per compiled package (many of them start with `go.`, so only `go: ` with its colon is a
# message from the go command). Compiler errors (`# pkg` headers and `file.go:line:` lines) pass
# through. mawk buffers /dev/stderr, hence the flushes. Returns go's exit status.
go_install_progress() {
  local start
  start=$(date +%s)
  set +o pipefail
  go install -v "$@" 2>&1 |
    awk -v start="$start" '
      /^go: downloading/ { d++; if (d % 25 == 0) { printf "[zhongshu]   downloaded %d modules\n", d > "/dev/stderr"; fflush("/dev/stderr") } ; next }
      /^go: / || /^# / || /\.go:[0-9]+/ || /^\// { print > "/dev/stderr"; fflush("/dev/stderr"); next }
      { n++; if (n % 100 == 0) { printf "[zhongshu]   compiled %d packages (%ds)\n", n, systime() - start > "/dev/stderr"; fflush("/dev/stderr") } }
      END { printf "[zhongshu]   compiled %d packages in %ds\n", n, systime() - start > "/dev/stderr" }'
  local status=${PIPESTATUS[0]}
  set -o pipefail
  return "$status"
}
