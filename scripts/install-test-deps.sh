#!/usr/bin/env bash
# Everything the tests need, from the OS package manager and the npm registry only:
# the real rclone (tests never mock it), tmux (the setup wizard is driven through a real terminal),
# then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tmux >/dev/null
  else
    echo "install-test-deps: please install tmux with your package manager" >&2
    exit 1
  fi
fi
bash scripts/setup.sh
