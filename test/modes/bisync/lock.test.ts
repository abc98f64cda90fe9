/** Stale bisync lock files: removed only when provably stale, by the rules of the rclone in use. */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { judgeBisyncLock, sweepBisyncLocks } from "../../../src/modes/bisync/lock.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "wsync-lck-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const legacy = { bisyncJsonLock: false };
const modern = { bisyncJsonLock: true };

/** A pid that certainly is not running: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn("true");
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid ?? 999_999;
}

describe("bisync lock files", () => {
  it("rclone < 1.66: a PID that is not a running rclone is stale; a running rclone's is not", async () => {
    const dead = join(dir, "a..b.lck");
    await writeFile(dead, String(await deadPid()));
    expect(await judgeBisyncLock(dead, legacy, Date.now())).toMatchObject({ stale: true });
    // This test's own pid is alive but is node, not rclone: reused, so stale.
    const reused = join(dir, "c..d.lck");
    await writeFile(reused, String(process.pid));
    expect(await judgeBisyncLock(reused, legacy, Date.now())).toMatchObject({
      stale: true,
      reason: expect.stringContaining("not a running rclone"),
    });
    const rclone = spawn("rclone", ["rcd", "--rc-addr", "127.0.0.1:0", "--rc-no-auth"], { stdio: "ignore" });
    try {
      const live = join(dir, "e..f.lck");
      await writeFile(live, String(rclone.pid));
      expect(await judgeBisyncLock(live, legacy, Date.now())).toMatchObject({ stale: false });
    } finally {
      rclone.kill("SIGKILL");
    }
  });

  it("rclone < 1.66: a lock without a PID is stale only once it is older than 15 minutes", async () => {
    const file = join(dir, "x.lck");
    await writeFile(file, "");
    expect((await judgeBisyncLock(file, legacy, Date.now())).stale).toBe(false);
    const old = new Date(Date.now() - 16 * 60 * 1000);
    await utimes(file, old, old);
    expect((await judgeBisyncLock(file, legacy, Date.now())).stale).toBe(true);
  });

  it("rclone >= 1.66: stale once TimeExpires has passed, whatever the PID", async () => {
    const file = join(dir, "s.lck");
    const now = Date.parse("2026-11-21T10:00:00Z");
    const lock = (expires: string) =>
      JSON.stringify({
        Session: "s",
        PID: String(process.pid),
        TimeRenewed: "2026-11-21T09:50:00Z",
        TimeExpires: expires,
      });
    await writeFile(file, lock("2026-11-21T10:05:00Z"));
    expect(await judgeBisyncLock(file, modern, now)).toMatchObject({ stale: false });
    await writeFile(file, lock("2026-11-21T09:59:00Z"));
    expect(await judgeBisyncLock(file, modern, now)).toMatchObject({ stale: true });
  });

  it("a sweep removes stale locks and stops at a live one, which it leaves in place", async () => {
    await writeFile(join(dir, "a.lck"), String(await deadPid()));
    await writeFile(join(dir, "a.path1.lst"), "");
    const swept = await sweepBisyncLocks(dir, legacy, Date.now());
    expect(swept.held).toBeNull();
    expect(swept.removed).toHaveLength(1);
    expect(await readdir(dir)).toEqual(["a.path1.lst"]);
    await writeFile(join(dir, "b.lck"), JSON.stringify({ PID: "1", TimeExpires: "2999-01-01T00:00:00Z" }));
    const held = await sweepBisyncLocks(dir, modern, Date.now());
    expect(held.held?.path).toBe(join(dir, "b.lck"));
    expect((await readdir(dir)).sort()).toEqual(["a.path1.lst", "b.lck"]);
    expect(await sweepBisyncLocks(join(dir, "missing"), legacy, Date.now())).toEqual({
      removed: [],
      held: null,
    });
  });
});
