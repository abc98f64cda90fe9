/**
 * The cycle lock: at most one sync cycle touches a workspace at a time, even across hosts with
 * different state directories. A file in `<workspace>/.workspace-sync/` created with O_EXCL, holding
 * who owns it and which rclone processes it started, so a lock left by a killed host can be told
 * stale with certainty, and that host's orphaned rclone can be stopped before anyone else starts.
 *
 * The file is not fsynced: it only has to outlive a crashed process (the page cache does that); after a
 * power loss its children are gone too, and a new boot id or an unreadable file marks it stale.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { createExclusiveFile } from "../util/exclusive-file.js";
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

async function readHolder(path: string): Promise<CycleLockHolder | null> {
  try {
    // cast: every field is optional and checked one by one below
    const parsed = JSON.parse(await readFile(path, "utf8")) as Partial<CycleLockHolder>;
    if (typeof parsed.pid !== "number") return null;
    return {
      pid: parsed.pid,
      hostname: String(parsed.hostname ?? ""),
      bootId: typeof parsed.bootId === "string" ? parsed.bootId : null,
      startTicks: typeof parsed.startTicks === "number" ? parsed.startTicks : null,
      stateDir: String(parsed.stateDir ?? ""),
      startedAt: String(parsed.startedAt ?? ""),
      children: Array.isArray(parsed.children) ? parsed.children.filter((n) => typeof n === "number") : [],
    };
  } catch {
    return null;
  }
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
    for (let tries = 0; tries < 3; tries++) {
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
      const existing = await readHolder(this.path);
      if (existing !== null && existing.pid === process.pid && existing.hostname === thisHost()) {
        // Our own process held it (an actor restarted in place): take it back.
        await rm(this.path, { force: true });
        continue;
      }
      if (existing !== null && !(await isStale(existing))) {
        const who = existing;
        return {
          acquired: false,
          holder: who,
          description: `workspace is being synced by pid ${who.pid} on ${who.hostname} (state ${who.stateDir}, since ${who.startedAt})`,
        };
      }
      await stopOrphans(existing?.children ?? []);
      await rm(this.path, { force: true });
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
