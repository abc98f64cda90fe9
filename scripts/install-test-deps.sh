#!/usr/bin/env bash
# Everything the tests need, from the OS package manager and the npm registry only:
# the real rclone (tests never mock it), Chromium (the live page is tested in a real browser, driven by
# npm playwright-core: never `npx playwright install`), tmux (the setup wizard is driven through a real
# terminal), age (backups must open with the standard age CLI), zstd (the fast backup compression),
# script from bsdutils (gives `age` a terminal for its passphrase prompt), openssl (the backup bench's
# baseline), the npm dependencies, then the real OpenClaw host for `npm run test:openclaw` (Node 24 and
# openclaw from the npm registry, cached between runs).
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
for tool in chromium tmux age zstd openssl; do
  command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
command -v script >/dev/null 2>&1 || need_apt+=(bsdutils)
bash scripts/apt-install.sh install-test-deps ${need_apt[@]+"${need_apt[@]}"}
bash scripts/setup.sh
bash scripts/install-openclaw.sh
