/**
 * bisync's own lock file (`<workdir>/<session>.lck`), judged before each run. A lock is removed only
 * when it is provably stale:
 * - rclone < 1.66 writes only the PID: stale when that PID is not a live rclone process (a file that
 *   cannot be read as a PID is stale once it is older than 15 minutes);
 * - rclone >= 1.66 writes JSON `{Session, PID, TimeRenewed, TimeExpires}`: stale once `TimeExpires` passed.
 * A live lock is never touched: the cycle reports `lock-held` and is retried.
 */
import { readdir, readFile, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { RcloneCapabilities } from "../../rclone/capabilities.js";
import { errnoOf } from "../../util/errors.js";
import { fieldOf } from "../../util/json.js";
import { commandLineOf, isAlive } from "../../util/process.js";

/** How old an unreadable legacy lock must be before it counts as stale (rclone's own `--max-lock` for us). */
export const unreadableLockAgeMs = 15 * 60 * 1000;

export interface LockVerdict {
  path: string;
  stale: boolean;
  /** Why, for the outcome event and the log. */
  reason: string;
}

interface JsonLock {
  PID?: string | number;
  TimeExpires?: string;
}

function parseJsonLock(text: string): JsonLock | null {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return null;
    const pid = fieldOf(parsed, "PID");
    const expires = fieldOf(parsed, "TimeExpires");
    return {
      PID: typeof pid === "string" || typeof pid === "number" ? pid : undefined,
      TimeExpires: typeof expires === "string" ? expires : undefined,
    };
  } catch {
    return null;
  }
}

async function isLiveRclone(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const argv = await commandLineOf(pid);
  // Unreadable but alive (another user's process): assume it is rclone, never remove a live lock.
  if (argv === null) return true;
  return argv.some((part) => /(^|\/)rclone$/.test(part));
}

async function judgeByPid(path: string, text: string, ageMs: number): Promise<LockVerdict> {
  const pid = /^\s*(\d+)\s*$/.exec(text)?.[1];
  if (pid === undefined) {
    return ageMs > unreadableLockAgeMs
      ? { path, stale: true, reason: `holds no PID and is ${Math.round(ageMs / 60000)} minutes old` }
      : { path, stale: false, reason: "holds no PID yet (being written?)" };
  }
  return (await isLiveRclone(Number(pid)))
    ? { path, stale: false, reason: `held by a running rclone (pid ${pid})` }
    : { path, stale: true, reason: `pid ${pid} is not a running rclone` };
}

/** Whether one lock file is stale, by the rules of the rclone that runs now. */
export async function judgeBisyncLock(
  path: string,
  caps: Pick<RcloneCapabilities, "bisyncJsonLock">,
  now: number,
): Promise<LockVerdict> {
  const [text, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
  const ageMs = now - info.mtimeMs;
  const json = caps.bisyncJsonLock ? parseJsonLock(text) : null;
  if (json !== null && typeof json.TimeExpires === "string") {
    const expires = Date.parse(json.TimeExpires);
    if (Number.isFinite(expires)) {
      return expires < now
        ? { path, stale: true, reason: `expired at ${json.TimeExpires}` }
        : { path, stale: false, reason: `held until ${json.TimeExpires} (pid ${String(json.PID ?? "?")})` };
    }
  }
  // A PID-only lock: what rclone < 1.66 writes, or one left from before an upgrade.
  return judgeByPid(path, text, ageMs);
}

export interface LockSweep {
  removed: LockVerdict[];
  /** The first live lock found: the run must not start. */
  held: LockVerdict | null;
}

/** Removes the provably stale `.lck` files of `workdir`; reports a live one. */
export async function sweepBisyncLocks(
  workdir: string,
  caps: Pick<RcloneCapabilities, "bisyncJsonLock">,
  now: number,
): Promise<LockSweep> {
  let names: string[];
  try {
    names = (await readdir(workdir)).filter((name) => name.endsWith(".lck"));
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return { removed: [], held: null };
    throw error;
  }
  const removed: LockVerdict[] = [];
  for (const name of names.sort()) {
    let verdict: LockVerdict;
    try {
      verdict = await judgeBisyncLock(join(workdir, name), caps, now);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") continue; // its run just ended
      throw error;
    }
    if (!verdict.stale) return { removed, held: verdict };
    await rm(verdict.path, { force: true });
    removed.push(verdict);
  }
  return { removed, held: null };
}
