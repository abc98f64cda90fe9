/**
 * A backup cut short publishes nothing: killing the CLI mid-upload (rclone then finishes a truncated
 * partial object with exit 0) or killing the compressor leaves no listed snapshot; the next backup
 * removes what the dead attempt left. Retention runs after each backup and never drops the newest.
 */
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BackupSandbox, backupSandbox, objectsIn, waitFor } from "./helpers.js";

const boxes: BackupSandbox[] = [];
afterEach(async () => {
  await Promise.all(boxes.splice(0).map((b) => b.cleanup()));
});

async function sandbox(backup: Record<string, unknown>, env: Record<string, string> = {}) {
  const box = await backupSandbox({ encrypt: false, ...backup }, {}, env);
  boxes.push(box);
  return box;
}

async function snapshotIds(box: BackupSandbox): Promise<string[]> {
  const result = await box.run("backup", "list", "--json");
  expect(result.code, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { snapshots: { id: string }[] }).snapshots.map((s) => s.id);
}

/** Children of `pid` running `name`, from /proc. */
async function childrenNamed(pid: number, name: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(text);
    if (match?.[1] === name && Number(match[2]) === pid) found.push(Number(entry));
  }
  return found;
}

async function partialSize(box: BackupSandbox): Promise<number> {
  const partial = (await objectsIn(box.backupDir)).find((n) => n.endsWith(".partial"));
  if (!partial) return 0;
  return (await stat(join(box.backupDir, partial)).catch(() => ({ size: 0 }))).size;
}

describe("a backup cut short", () => {
  it("leaves no listed snapshot when the CLI dies mid-upload; the next backup cleans up", async () => {
    const box = await sandbox({ compression: "none" });
    await writeFile(join(box.workspace, "large.bin"), randomBytes(64 * 1024 * 1024));
    const child = box.spawnRun("backup", "now");
    const exited = new Promise((resolve) => child.once("exit", resolve));
    await waitFor(async () => (await partialSize(box)) > 2 * 1024 * 1024);
    child.kill("SIGKILL");
    await exited;
    // rclone (in its own process group) sees the end of its input and publishes the cut stream: to the
    // partial name only.
    await waitFor(async () => (await objectsIn(box.backupDir)).some((n) => n.endsWith(".partial")));
    expect(await snapshotIds(box)).toEqual([]);

    const again = await box.run("backup", "now");
    expect(again.code, again.stderr).toBe(0);
    expect(await snapshotIds(box)).toHaveLength(1);
    // The dead attempt's object is gone though it is younger than the grace period: it is known dead.
    expect((await objectsIn(box.backupDir)).filter((n) => n.endsWith(".partial"))).toEqual([]);
    expect(await objectsIn(box.backupDir)).toHaveLength(2);
  });

  it("fails, publishes nothing and removes the partial object when the compressor dies", async () => {
    const box = await sandbox({ compression: "zstd", compressionLevel: 19 });
    await writeFile(join(box.workspace, "large.bin"), randomBytes(48 * 1024 * 1024));
    const child = box.spawnRun("backup", "now");
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    const [zstd] = await waitFor(async () => {
      const found = await childrenNamed(child.pid ?? -1, "zstd");
      return found.length > 0 && (await partialSize(box)) > 0 ? found : null;
    });
    process.kill(zstd ?? -1, "SIGKILL");
    expect(await exited).toBe(1);
    expect(stderr).toMatch(/zstd was killed by SIGKILL/);
    expect(await snapshotIds(box)).toEqual([]);
    expect(await objectsIn(box.backupDir)).toEqual([]);
    const status = await box.run("backup", "status", "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ totals: { backups: 0, failures: 1 } });
  });
});

describe("retention after each backup", () => {
  it("keeps the newest N, removes old leftovers past the grace period, and never the newest", async () => {
    const box = await sandbox({ retain: 2 }, { WORKSPACE_SYNC_BACKUP_GRACE_SECONDS: "0" });
    await writeFile(join(box.workspace, "note.md"), "v1");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      await writeFile(join(box.workspace, "note.md"), `v${i}`);
      const made = await box.run("backup", "now", "--json");
      expect(made.code, made.stderr).toBe(0);
      ids.push((JSON.parse(made.stdout) as { backup: { id: string } }).backup.id);
      if (i === 1) await writeFile(join(box.backupDir, `${ids[0]?.slice(0, -4)}ffff.tar.partial`), "left");
    }
    expect(await snapshotIds(box)).toEqual([ids[2], ids[1]]);
    expect((await objectsIn(box.backupDir)).filter((n) => n.endsWith(".partial"))).toEqual([]);
    const status = JSON.parse((await box.run("backup", "status", "--json")).stdout);
    expect(status).toMatchObject({
      totals: { backups: 3, failures: 0, pruned: 1 },
      lastBackup: { id: ids[2] },
    });
  });
});
