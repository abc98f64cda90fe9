/**
 * A wrapper around the real rclone that records every run: the tool is pointed at it through
 * `WORKSPACE_SYNC_RCLONE`, and each run writes a `start` and an `end` line (wrapper pid, real rclone
 * pid, the process that started it, nanoseconds, subcommand) to a log the test reads afterwards.
 * With `RCLONE_WRAP_STUBBORN=1` the wrapper ignores SIGTERM and stays until SIGKILL (the rclone it
 * started still gets the group's SIGTERM): a stuck old process a takeover has to kill.
 */
import { existsSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface RcloneRun {
  wrapper: number;
  /** The real rclone's pid. */
  child: number;
  /** Who started it (the CLI's node process, or the test). */
  parent: number;
  subcommand: string;
  startNs: bigint;
  /** Null when the run never ended (still running, or killed with its wrapper). */
  endNs: bigint | null;
}

export interface RcloneWrapper {
  binary: string;
  log: string;
  runs(): Promise<RcloneRun[]>;
}

const script = (log: string, real: string): string => `#!/bin/bash
log=${JSON.stringify(log)}
if [ "$RCLONE_WRAP_STUBBORN" = 1 ]; then trap '' TERM; fi
started=$(date +%s%N)
/usr/bin/env -u RCLONE_WRAP_STUBBORN ${JSON.stringify(real)} "$@" &
child=$!
echo "start $$ $child $PPID $started $1" >> "$log"
if [ "$RCLONE_WRAP_STUBBORN" != 1 ]; then trap 'kill -TERM $child 2>/dev/null' TERM INT; fi
while :; do wait $child; rc=$?; kill -0 $child 2>/dev/null || break; done
echo "end $$ $child $PPID $(date +%s%N) $1" >> "$log"
if [ "$RCLONE_WRAP_STUBBORN" = 1 ]; then while :; do sleep 1; done; fi
exit $rc
`;

/** Writes the wrapper (named `rclone`, so a lock's check "is this rclone?" holds) under `dir`. */
export async function rcloneWrapper(dir: string): Promise<RcloneWrapper> {
  const binary = join(dir, "rclone");
  const log = join(dir, "rclone-runs.log");
  const real = (process.env.PATH ?? "")
    .split(":")
    .map((folder) => join(folder, "rclone"))
    .find((candidate) => candidate !== binary && existsSync(candidate));
  if (real === undefined) throw new Error("rclone is not on PATH");
  await writeFile(binary, script(log, real));
  await chmod(binary, 0o755);
  await writeFile(log, "");
  return {
    binary,
    log,
    async runs() {
      const byWrapper = new Map<number, RcloneRun>();
      for (const line of (await readFile(log, "utf8")).split("\n")) {
        const [kind, wrapper, child, parent, ns, subcommand] = line.split(" ");
        if (kind === undefined || ns === undefined) continue;
        const key = Number(wrapper);
        if (kind === "start") {
          byWrapper.set(key, {
            wrapper: key,
            child: Number(child),
            parent: Number(parent),
            subcommand: subcommand ?? "",
            startNs: BigInt(ns),
            endNs: null,
          });
        } else {
          const run = byWrapper.get(key);
          if (run !== undefined) run.endNs = BigInt(ns);
        }
      }
      return [...byWrapper.values()];
    },
  };
}

/** Pairs of runs started by different processes whose lifetimes intersect (an open run lasts until `untilNs`). */
export function overlaps(runs: readonly RcloneRun[], untilNs: bigint): [RcloneRun, RcloneRun][] {
  const found: [RcloneRun, RcloneRun][] = [];
  for (let i = 0; i < runs.length; i++) {
    for (let j = i + 1; j < runs.length; j++) {
      const a = runs[i];
      const b = runs[j];
      if (a === undefined || b === undefined || a.parent === b.parent) continue;
      const aEnd = a.endNs ?? untilNs;
      const bEnd = b.endNs ?? untilNs;
      if (a.startNs < bEnd && b.startNs < aEnd) found.push([a, b]);
    }
  }
  return found;
}
