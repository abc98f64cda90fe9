#!/usr/bin/env bash
# Install everything workspace-sync needs on Debian/Ubuntu and build it:
# rclone from the OS package manager when missing, the npm dependencies, the compiled CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v rclone >/dev/null 2>&1 || need_apt+=(rclone)
if ! command -v node >/dev/null 2>&1; then
  echo "setup: Node.js >= 20 is required (for example: apt-get install nodejs, or https://nodejs.org)" >&2
  exit 1
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' || {
  echo "setup: Node.js >= 20 is required, found $(node --version)" >&2
  exit 1
}
bash scripts/apt-install.sh setup ${need_apt[@]+"${need_apt[@]}"}
# The locked install: package-lock.json lists every platform's optional packages (biome, rollup, esbuild).
npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
echo "setup: ready ($(rclone version | head -n 1), node $(node --version))"
