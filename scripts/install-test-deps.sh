#!/usr/bin/env bash
# Everything the tests need, from the OS package manager and the npm registry only:
# the real rclone (tests never mock it), the npm dependencies, then the real OpenClaw host for
# `npm run test:openclaw` (Node 24 and openclaw from the npm registry, cached between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/install-openclaw.sh
