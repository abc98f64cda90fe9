/**
 * The process groups this process leads children into (rclone runs detached, in a group of its own, so a
 * terminal's Ctrl-C does not reach it): found in /proc, ended on an interrupt with SIGTERM, then SIGKILL.
 */
import { readdirSync, readFileSync } from "node:fs";
import { constants } from "node:os";
import { sleep } from "./process.js";

/** PIDs of this process's children that lead their own process group (Linux /proc; empty elsewhere). */
export function childGroupLeaders(parent: number = process.pid): number[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const leaders: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // After the command name: state, ppid, pgrp.
    const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry);
    if (Number(ppid) === parent && Number(pgrp) === pid) leaders.push(pid);
  }
  return leaders;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends every process group in `groups` (default: those this process's children lead): SIGTERM, then
 * SIGKILL to what is left after `graceMs`. Resolves when none is left, within about `graceMs`.
 */
export async function stopChildGroups(graceMs: number, groups = childGroupLeaders()): Promise<void> {
  let left = groups.filter((pgid) => signalGroup(pgid, "SIGTERM"));
  const deadline = performance.now() + graceMs;
  while (left.length > 0 && performance.now() < deadline) {
    await sleep(25);
    left = left.filter((pgid) => signalGroup(pgid, 0));
  }
  for (const pgid of left) signalGroup(pgid, "SIGKILL");
}

/** The conventional exit code of a process ended by `signal`: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}
