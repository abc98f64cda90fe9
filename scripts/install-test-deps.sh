#!/usr/bin/env bash
# Everything the tests need, from the OS package manager and the npm registry only:
# the real rclone (tests never mock it), then the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
