#!/usr/bin/env bash
# Everything the tests need, from the OS package manager and the npm registry only:
# the real rclone (tests never mock it), the `age` CLI (backups must open without this tool), `zstd`
# (the fast backup compression), `script` (gives `age` a terminal for its passphrase prompt), then the
# npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
command -v age >/dev/null 2>&1 || need_apt+=(age)
command -v zstd >/dev/null 2>&1 || need_apt+=(zstd)
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "install-test-deps: please install ${need_apt[*]} with your package manager" >&2
    exit 1
  fi
fi
bash scripts/setup.sh
