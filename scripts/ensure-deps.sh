#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than package-lock.json.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v node >/dev/null 2>&1 || { echo "[zhongshu] error: Node.js 20.19+ (or 22.12+) is required and was not found" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "[zhongshu] error: Node.js $(node -v) is too old: need 20.19+ or 22.12+" >&2; exit 1; }
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # `npm install`, not `npm ci`: with lockfiles written without platform-specific optional
  # packages (npm 11 here), `npm ci` refuses the lock as out of sync; install honours it.
  echo "[zhongshu] npm install (from package-lock.json)" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
