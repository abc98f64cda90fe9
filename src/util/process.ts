/** Facts about processes on this machine, for telling a live lock from a stale one. */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { errnoOf } from "./errors.js";

/** A zombie has exited: only its parent has not collected it yet (an orphan whose reaper is slow). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoOf(error) === "EPERM";
  }
  return !isZombie(pid);
}

/** The kernel's boot id: a pid from another boot says nothing about this one. Null where unknown. */
export async function bootId(): Promise<string | null> {
  try {
    return (await readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
  } catch {
    return null;
  }
}

/** The command line of a live process, or null when it is gone or unreadable. */
export async function commandLineOf(pid: number): Promise<string[] | null> {
  try {
    const raw = await readFile(`/proc/${pid}/cmdline`, "utf8");
    return raw.split("\0").filter((part) => part !== "");
  } catch {
    return null;
  }
}

/**
 * When process `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), or null if
 * unknown. Unlike wall-clock times it does not move when the clock is set, and a reused pid gets a new one.
 */
export async function processStartTicks(pid: number): Promise<number | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one,
  // where field 3 is index 0, so field 22 is index 19.
  const ticks = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

export function thisHost(): string {
  return hostname();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
