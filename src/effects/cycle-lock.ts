/**
 * The cycle lock: at most one sync cycle touches a workspace at a time, even across hosts with
 * different state directories. A file in `<workspace>/.workspace-sync/` created with O_EXCL, holding
 * who owns it and which rclone processes it started, so a lock left by a killed host can be told
 * stale with certainty, and that host's orphaned rclone can be stopped before anyone else starts.
 *
 * The file is not fsynced: it only has to outlive a crashed process (the page cache does that); after a
 * power loss its children are gone too, and a new boot id or an unreadable file marks it stale.
 */
import { createHash } from "node:crypto";
import { type FileHandle, mkdir, open, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { tempPathFor } from "../util/durable-file.js";
import { errnoOf } from "../util/errors.js";
import { createExclusiveFile } from "../util/exclusive-file.js";
import { isRecord } from "../util/json.js";
import { bootId, commandLineOf, isAlive, processStartTicks, sleep, thisHost } from "../util/process.js";

export interface CycleLockHolder {
  pid: number;
  hostname: string;
  bootId: string | null;
  /** When the holder process started (clock ticks since boot): tells a reused pid from the holder. */
  startTicks: number | null;
  stateDir: string;
  startedAt: string;
  /** rclone processes (group leaders) this holder started and has not seen end. */
  children: number[];
}

export type AcquireResult =
  | { acquired: true }
  | { acquired: false; holder: CycleLockHolder; description: string };

/** The lock file as read at one instant: its text and which file it was (a device and inode pair). */
interface SeenLock {
  text: string;
  identity: string;
}

async function readLockFile(path: string): Promise<SeenLock | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return null;
    throw error;
  }
  try {
    // Read through one open handle, so the text is the text of the file the identity names.
    const info = await handle.stat({ bigint: true });
    return { text: await handle.readFile("utf8"), identity: `${info.dev}-${info.ino}` };
  } finally {
    await handle.close();
  }
}

function parseHolder(text: string): CycleLockHolder | null {
  let holder: unknown;
  try {
    holder = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(holder)) return null;
  if (typeof holder.pid !== "number") return null;
  const children = Array.isArray(holder.children) ? holder.children : [];
  return {
    pid: holder.pid,
    hostname: String(holder.hostname ?? ""),
    bootId: typeof holder.bootId === "string" ? holder.bootId : null,
    startTicks: typeof holder.startTicks === "number" ? holder.startTicks : null,
    stateDir: String(holder.stateDir ?? ""),
    startedAt: String(holder.startedAt ?? ""),
    children: children.filter((n): n is number => typeof n === "number"),
  };
}

async function readHolder(path: string): Promise<CycleLockHolder | null> {
  const seen = await readLockFile(path).catch(() => null);
  return seen === null ? null : parseHolder(seen.text);
}

function busy(who: CycleLockHolder): AcquireResult {
  return {
    acquired: false,
    holder: who,
    description: `workspace is being synced by pid ${who.pid} on ${who.hostname} (state ${who.stateDir}, since ${who.startedAt})`,
  };
}

async function isStale(holder: CycleLockHolder | null): Promise<boolean> {
  if (holder === null) return true;
  if (holder.hostname !== thisHost()) return false; // another machine's lock (a shared folder): never ours to judge
  const ours = await bootId();
  if (holder.bootId !== null && ours !== null && holder.bootId !== ours) return true;
  if (!isAlive(holder.pid)) return true;
  const ticks = await processStartTicks(holder.pid);
  return holder.startTicks !== null && ticks !== null && ticks !== holder.startTicks;
}

/** Stop the rclone processes a dead holder left running, so two cycles never overlap. */
async function stopOrphans(children: readonly number[]): Promise<void> {
  const live: number[] = [];
  for (const pid of children) {
    const argv = await commandLineOf(pid);
    if (argv?.some((part) => /(^|\/)rclone$/.test(part))) live.push(pid);
  }
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    for (const pid of live) {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
    for (let i = 0; i < 50 && live.some(isAlive); i++) await sleep(100);
    if (!live.some(isAlive)) return;
  }
}

/** How long a host waits for another that is taking over the same stale lock (its orphans' stop included). */
const takeoverWaitMs = 20_000;

/**
 * Replaces exactly the stale lock `seen` with `ours`, or gives way. Every host that judged the same
 * stale file races to create one claim named after that file (its inode and a hash of its text); only
 * the winner may touch the lock. The winner checks the lock is still the file it judged, stops the
 * dead holder's rclone, then renames its own lock over it in one step. As only a claim holder can
 * replace a stale lock, and a live holder's lock is never judged stale, no host ever removes a lock it
 * did not judge. A claim whose owner died is passed over by the next one (`-1`, `-2`, …).
 */
async function takeOver(
  path: string,
  seen: SeenLock,
  orphans: readonly number[],
  ours: CycleLockHolder,
): Promise<"taken" | "changed"> {
  const key = `${basename(path)}.takeover-${seen.identity}-${createHash("sha256").update(seen.text).digest("hex").slice(0, 16)}`;
  const claimPath = (generation: number) => join(dirname(path), `${key}-${generation}`);
  const sameAsSeen = async () => {
    const now = await readLockFile(path);
    return now !== null && now.identity === seen.identity && now.text === seen.text;
  };
  let generation = 0;
  for (; ; generation++) {
    if (await createExclusiveFile(claimPath(generation), JSON.stringify(ours))) break;
    const claimer = parseHolder((await readLockFile(claimPath(generation)))?.text ?? "");
    if (claimer !== null && !(await isStale(claimer))) {
      // Another host is taking this very lock over: wait for it to finish, then look again.
      const deadline = Date.now() + takeoverWaitMs;
      while (Date.now() < deadline && (await sameAsSeen())) await sleep(100);
      return "changed";
    }
  }
  try {
    if (!(await sameAsSeen())) return "changed";
    await stopOrphans(orphans);
    const temp = tempPathFor(path);
    await writeFile(temp, JSON.stringify(ours), { mode: 0o600 });
    await rename(temp, path);
    return "taken";
  } finally {
    // The judged file is gone (replaced, or changed before we came): its claims are of no more use.
    const names = await readdir(dirname(path)).catch(() => []);
    for (const name of names)
      if (name.startsWith(`${key}-`)) await rm(join(dirname(path), name), { force: true });
  }
}

export class CycleLock {
  private holder: CycleLockHolder | null = null;
  /** Every operation runs in call order: a release queued by a leaving state ends before the next acquire. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly stateDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  acquire(): Promise<AcquireResult> {
    return this.serial(() => this.tryAcquire());
  }

  private async tryAcquire(): Promise<AcquireResult> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    for (let tries = 0; tries < 5; tries++) {
      const holder: CycleLockHolder = {
        pid: process.pid,
        hostname: thisHost(),
        bootId: await bootId(),
        startTicks: await processStartTicks(process.pid),
        stateDir: this.stateDir,
        startedAt: this.now().toISOString(),
        children: [],
      };
      if (await createExclusiveFile(this.path, JSON.stringify(holder))) {
        this.holder = holder;
        return { acquired: true };
      }
      const seen = await readLockFile(this.path);
      if (seen === null) continue; // released between our create and our read: try again
      const existing = parseHolder(seen.text);
      if (existing !== null && existing.pid === process.pid && existing.hostname === thisHost()) {
        // Our own process held it (an actor restarted in place): take it back.
        await rm(this.path, { force: true });
        continue;
      }
      if (existing !== null && !(await isStale(existing))) return busy(existing);
      if ((await takeOver(this.path, seen, existing?.children ?? [], holder)) === "taken") {
        this.holder = holder;
        return { acquired: true };
      }
    }
    throw new Error(`could not take the cycle lock ${this.path}: it keeps changing hands`);
  }

  /** Record an rclone process we started (its group is stopped if we die and someone takes over). */
  recordChild(pid: number): Promise<void> {
    return this.update((holder) => ({ ...holder, children: [...holder.children, pid] }));
  }

  forgetChild(pid: number): Promise<void> {
    return this.update((holder) => ({ ...holder, children: holder.children.filter((c) => c !== pid) }));
  }

  release(): Promise<void> {
    return this.serial(async () => {
      if (this.holder === null) return;
      this.holder = null;
      const existing = await readHolder(this.path);
      if (existing !== null && existing.pid === process.pid) await rm(this.path, { force: true });
    });
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.queue.then(operation, operation);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private update(change: (holder: CycleLockHolder) => CycleLockHolder): Promise<void> {
    return this.serial(async () => {
      if (this.holder === null) return;
      this.holder = change(this.holder);
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(this.holder), { mode: 0o600 });
      await rename(temp, this.path);
    });
  }
}
