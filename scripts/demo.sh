#!/usr/bin/env bash
# The main job on the embedded `local` remote: a workspace, a folder acting as the cloud,
# a file a person drops in the cloud `_outbox`, a sync, then the status and the event log.
set -euo pipefail
cd "$(dirname "$0")/.."
demo="${WORKSPACE_SYNC_DEMO_DIR:-${TMPDIR:-/tmp}/workspace-sync-demo}"
rm -rf "$demo"
mkdir -p "$demo/workspace/shared"
cat >"$demo/config.json" <<JSON
{ "mode": "mailbox", "provider": "local", "local": { "path": "$demo/cloud" } }
JSON
cli() { node dist/workspace-sync.mjs "$@" --config "$demo/config.json" --workspace "$demo/workspace" --state-dir "$demo/state"; }

echo "# the agent writes a file in its workspace"
echo "Findings of the day" >"$demo/workspace/shared/report.md"
echo "\$ workspace-sync sync"
cli sync
echo
echo "# a person drops a file into the cloud outbox (on a laptop this is the synced Dropbox/Drive folder)"
echo "Please summarise this" >"$demo/cloud/openclaw-share/_outbox/task.txt"
echo "\$ workspace-sync sync"
cli sync
echo
echo "# the cloud now mirrors the workspace; the task arrived in the agent's _inbox"
(cd "$demo" && find cloud workspace -type f -not -path '*/.workspace-sync/*' | sort)
echo
echo "\$ workspace-sync status"
cli status
echo
echo "\$ workspace-sync log"
cli log
echo
echo "demo files are in $demo"
