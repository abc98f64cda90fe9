/** The cycle lock: live holders are respected, stale ones are taken over, their orphaned rclone is stopped. */
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CycleLock } from "../../src/effects/cycle-lock.js";
import { bootId, isAlive, sleep } from "../../src/util/process.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wsync-lock-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((done) => child.once("exit", done));
  return child.pid as number;
}

async function plantLock(path: string, pid: number, children: number[] = []): Promise<void> {
  await mkdir(join(dir, ".workspace-sync"), { recursive: true });
  const holder = {
    pid,
    hostname: hostname(),
    bootId: await bootId(),
    stateDir: "/elsewhere",
    startedAt: "x",
    children,
  };
  await writeFile(path, JSON.stringify(holder));
}

describe("cycle lock", () => {
  it("acquires, records children, and releases", async () => {
    const lock = new CycleLock(join(dir, ".workspace-sync", "cycle.lock"), "/state");
    expect(await lock.acquire()).toEqual({ acquired: true });
    await lock.recordChild(4242);
    expect(JSON.parse(await readFile(lock.path, "utf8")).children).toEqual([4242]);
    await lock.forgetChild(4242);
    expect(JSON.parse(await readFile(lock.path, "utf8")).children).toEqual([]);
    await lock.release();
    await expect(readFile(lock.path)).rejects.toThrow();
  });

  it("never takes a lock whose holder is alive", async () => {
    const path = join(dir, ".workspace-sync", "cycle.lock");
    const holder = spawn("sleep", ["30"]);
    try {
      await plantLock(path, holder.pid as number);
      const result = await new CycleLock(path, "/state").acquire();
      expect(result.acquired).toBe(false);
      if (!result.acquired) expect(result.description).toContain(`pid ${holder.pid}`);
      expect(JSON.parse(await readFile(path, "utf8")).pid).toBe(holder.pid);
    } finally {
      holder.kill();
    }
  });

  it("takes over a stale lock and first stops the rclone its dead holder left running", async () => {
    const path = join(dir, ".workspace-sync", "cycle.lock");
    // A real rclone that would run forever (it waits on stdin), leading its own process group.
    const orphan = spawn("rclone", ["rcat", join(dir, "never.txt")], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    const pid = orphan.pid as number;
    await sleep(200);
    expect(isAlive(pid)).toBe(true);
    await plantLock(path, await deadPid(), [pid]);
    const lock = new CycleLock(path, "/state");
    expect(await lock.acquire()).toEqual({ acquired: true });
    expect(isAlive(pid)).toBe(false);
    expect(JSON.parse(await readFile(path, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("does not signal a recorded pid that is no longer rclone", async () => {
    const path = join(dir, ".workspace-sync", "cycle.lock");
    const bystander = spawn("sleep", ["30"], { detached: true });
    try {
      await plantLock(path, await deadPid(), [bystander.pid as number]);
      expect(await new CycleLock(path, "/state").acquire()).toEqual({ acquired: true });
      expect(isAlive(bystander.pid as number)).toBe(true);
    } finally {
      bystander.kill();
    }
  });

  it("orders a release queued by a leaving state before the next acquire", async () => {
    const lock = new CycleLock(join(dir, ".workspace-sync", "cycle.lock"), "/state");
    await lock.acquire();
    const release = lock.release();
    const again = lock.acquire();
    await release;
    expect(await again).toEqual({ acquired: true });
    expect(JSON.parse(await readFile(lock.path, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });
});
