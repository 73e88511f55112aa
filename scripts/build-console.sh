#!/usr/bin/env bash
# The web console (src/console) into dist/console with vite. Skipped when nothing it is built from
# changed since the last build (a hash of its sources, the generated client and the lockfile is kept
# beside the output), so CI and `npm start` pay for it once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=dist/console
stamp="$out/.build-hash"
hash=$( { find src/console src/canonical/status.ts workflows/states.ts workflows/after-sales/constants.ts -type f -print0 | sort -z | xargs -0 sha256sum; sha256sum package-lock.json; } | sha256sum | cut -d' ' -f1)
if [ -f "$out/index.html" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
  echo "console: up to date ($out)"
  exit 0
fi
npx vite build --config src/console/vite.config.ts
echo "$hash" > "$stamp"
echo "console: built into $out"
