#!/usr/bin/env bash
# `npm start`: provision (temporal CLI build, redis-server), install, build, then run the hub with
# its embedded defaults beside the sandbox world (platforms, couriers, WMS sending a steady trickle of
# orders) and send sample Shopify traffic. Extra arguments go to `zhongshu start`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/provision/all.sh
bash scripts/ensure-deps.sh
npm run --silent build

# Development secrets: generated once per checkout, kept in .data/dev.env (git-ignored).
mkdir -p .data
if [ ! -f .data/dev.env ]; then
  {
    echo "SHOPIFY_WEBHOOK_SECRET=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    echo "ZHONGSHU_ADMIN_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
  } > .data/dev.env
  chmod 600 .data/dev.env
fi
set -a; source .data/dev.env; set +a
echo "[zhongshu] dev secrets in .data/dev.env (admin API key: ZHONGSHU_ADMIN_KEY=$ZHONGSHU_ADMIN_KEY)" >&2
exec node bin/zhongshu.js start --config config/zhongshu.yaml --demo --sandbox "$@"
