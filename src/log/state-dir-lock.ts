/**
 * An exclusive lock so that only one host owns a state directory: `<dir>/host.lock`, created with
 * O_EXCL and holding the owner as JSON. A lock is stale when its owner's machine rebooted (boot id),
 * its process is gone, its pid now names another process (a different start time in /proc, recorded
 * in the file as `pidStartTicks`; for example a new container on the same kernel), or it does not parse.
 * A stale lock is removed only under a second O_EXCL file, `host.lock.takeover`, and only if it still
 * holds what was judged stale; the new lock is then created with O_EXCL, so racing hosts cannot both win.
 */
import { mkdir, readFile } from "node:fs/promises";
import { hostname } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { fsyncDir } from "../util/durable-file.js";
import { messageOf as describeError } from "../util/errors.js";
import { createExclusiveFile } from "../util/exclusive-file.js";
import { isAlive, processStartTicks, bootId as readBootId } from "../util/process.js";
import { hasErrorCode, removeIfExists } from "./fs-util.js";

export interface LockHolder {
  pid: number;
  hostname: string;
  bootId: string | null;
  startedAt: string;
  command: string;
}

export interface StateDirLock {
  readonly path: string;
  release(): Promise<void>;
}

export class StateDirBusyError extends Error {
  readonly holder: LockHolder;
  readonly lockPath: string;

  constructor(dir: string, lockPath: string, holder: LockHolder) {
    const where = holder.hostname === hostname() ? "" : ` on ${holder.hostname}`;
    super(
      `state directory ${dir} is in use by ${holder.command} (pid ${holder.pid}${where}, started ` +
        `${holder.startedAt}); stop that process first`,
    );
    this.name = "StateDirBusyError";
    this.holder = holder;
    this.lockPath = lockPath;
  }
}

const LOCK_NAME = "host.lock";

const holderSchema = z.object({
  pid: z.int().positive(),
  hostname: z.string(),
  bootId: z.string().nullable(),
  startedAt: z.string(),
  command: z.string(),
});

/** The file also records the holder's start time in /proc, to recognise a reused pid. */
const lockFileSchema = holderSchema.extend({ pidStartTicks: z.int().nullable().optional() });

interface LockFile {
  text: string;
  holder: LockHolder | null;
  pidStartTicks: number | null;
}

async function readLockFile(lockPath: string): Promise<LockFile | null> {
  try {
    const text = await readFile(lockPath, "utf8");
    let value: unknown = null;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: a stale lock
    }
    const parsed = lockFileSchema.safeParse(value);
    if (!parsed.success) return { text, holder: null, pidStartTicks: null };
    const { pidStartTicks, ...holder } = parsed.data;
    return { text, holder, pidStartTicks: pidStartTicks ?? null };
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return null;
    throw new Error(`could not read lock ${lockPath}: ${describeError(error)}`, { cause: error });
  }
}

/** The live holder of a lock file, or null when the lock is stale. */
async function liveHolder(lock: LockFile): Promise<LockHolder | null> {
  const { holder } = lock;
  if (!holder) return null;
  const bootId = await readBootId();
  if (holder.bootId !== null && bootId !== null && holder.bootId !== bootId) return null;
  if (!isAlive(holder.pid)) return null;
  if (lock.pidStartTicks !== null && holder.bootId === bootId) {
    const ticks = await processStartTicks(holder.pid);
    if (ticks !== null && ticks !== lock.pidStartTicks) return null;
  }
  return holder;
}

/** Creates the lock file, complete from its first instant; false when it already exists. */
async function createExclusive(lockPath: string, text: string): Promise<boolean> {
  try {
    if (!(await createExclusiveFile(lockPath, text, { sync: true }))) return false;
  } catch (error) {
    throw new Error(`could not create lock ${lockPath}: ${describeError(error)}`, { cause: error });
  }
  await fsyncDir(path.dirname(lockPath));
  return true;
}

/**
 * Runs `fn` holding `<lock>.takeover` (O_EXCL), the mutex every process must hold to remove a stale lock.
 * Returns false without running `fn` when another live process holds it; a takeover file left by a
 * process that died is removed (the caller retries).
 */
async function withTakeover(lockPath: string, text: string, fn: () => Promise<void>): Promise<boolean> {
  const takeoverPath = `${lockPath}.takeover`;
  if (!(await createExclusive(takeoverPath, text))) {
    const other = await readLockFile(takeoverPath);
    if (other && !(await liveHolder(other))) {
      const again = await readLockFile(takeoverPath);
      if (again?.text === other.text) await removeIfExists(takeoverPath);
    }
    return false;
  }
  try {
    await fn();
  } finally {
    await removeIfExists(takeoverPath);
  }
  return true;
}

/** How often to retry while another process is replacing a stale lock, and how long to wait between. */
const TAKEOVER_ROUNDS = 100;
const TAKEOVER_WAIT_MS = 20;

export async function acquireStateDirLock(
  dir: string,
  opts: { command?: string; now?: () => Date } = {},
): Promise<StateDirLock> {
  const lockPath = path.join(dir, LOCK_NAME);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const holder: LockHolder = {
    pid: process.pid,
    hostname: hostname(),
    bootId: await readBootId(),
    startedAt: (opts.now ?? (() => new Date()))().toISOString(),
    command: opts.command ?? "workspace-sync",
  };
  const pidStartTicks = await processStartTicks(process.pid);
  const text = `${JSON.stringify({ ...holder, pidStartTicks }, null, 2)}\n`;
  for (let round = 0; round < TAKEOVER_ROUNDS; round++) {
    if (await createExclusive(lockPath, text)) {
      return { path: lockPath, release: () => releaseLock(lockPath, text) };
    }
    const existing = await readLockFile(lockPath);
    if (!existing) continue; // released meanwhile
    const live = await liveHolder(existing);
    if (live) throw new StateDirBusyError(dir, lockPath, live);
    // Stale. Remove it only if it is still the very file judged stale: a racing host may have replaced it.
    const removed = await withTakeover(lockPath, text, async () => {
      const again = await readLockFile(lockPath);
      if (again?.text === existing.text) await removeIfExists(lockPath);
    });
    if (!removed) await sleep(TAKEOVER_WAIT_MS);
  }
  throw new Error(`could not take lock ${lockPath}: another process kept replacing it; try again`);
}

async function releaseLock(lockPath: string, ownText: string): Promise<void> {
  const current = await readLockFile(lockPath);
  if (!current || current.text !== ownText) return; // already gone, or taken over by someone else
  await removeIfExists(lockPath);
  await fsyncDir(path.dirname(lockPath));
}

/** The live holder of `<dir>/host.lock`; null when the directory is free or the lock is stale. */
export async function readStateDirLock(dir: string): Promise<LockHolder | null> {
  const lock = await readLockFile(path.join(dir, LOCK_NAME));
  return lock ? liveHolder(lock) : null;
}
