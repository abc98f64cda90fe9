/**
 * Live progress from the real rclone: a transfer slowed by `--bwlimit` reports progress about once a
 * second (bytes growing, the file being transferred named), and the run's final stats are unchanged.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findRclone } from "../../src/rclone/binary.js";
import { progressFlags, type RcloneProgress, toProgress } from "../../src/rclone/progress.js";
import { rcloneArgs, runRclone } from "../../src/rclone/run.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ws-rclone-progress-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rclone progress", () => {
  it("asks for stats lines only when someone listens, and never twice", () => {
    expect(rcloneArgs(["sync", "a", "b"], "c.conf")).not.toContain("--stats");
    const withProgress = rcloneArgs(["sync", "a", "b"], "c.conf", { progress: true });
    expect(withProgress.join(" ")).toContain(progressFlags.join(" "));
    const own = rcloneArgs(["sync", "a", "b", "--stats", "5s"], "c.conf", { progress: true });
    expect(own.filter((a) => a === "--stats")).toHaveLength(1);
  });

  it("reads rclone 1.60's one-line JSON stats", () => {
    const stats = {
      bytes: 2125830,
      elapsedTime: 1.1,
      errors: 0,
      eta: null,
      speed: 0,
      totalBytes: 6000006,
      totalTransfers: 2,
      transfers: 1,
      transferring: [
        { bytes: 2125824, eta: null, name: "big.bin", percentage: 35, size: 6000000, speed: 2138217.1 },
      ],
    };
    expect(toProgress(stats)).toMatchObject({
      bytes: 2125830,
      totalBytes: 6000006,
      transfers: 1,
      totalTransfers: 2,
      etaSeconds: null,
      transferring: [{ name: "big.bin", percentage: 35, size: 6000000, etaSeconds: null }],
    });
  });

  it("reports a slow transfer as it goes, on the real rclone", async () => {
    const src = path.join(dir, "src");
    await mkdir(src);
    await writeFile(path.join(src, "big.bin"), Buffer.alloc(3 * 1024 * 1024, 7));
    await writeFile(path.join(src, "small.txt"), "x");
    const configPath = path.join(dir, "rclone.conf");
    await writeFile(configPath, "", { mode: 0o600 });
    const seen: RcloneProgress[] = [];
    const result = await runRclone({
      binary: await findRclone(),
      configPath,
      args: ["sync", src, path.join(dir, "dst"), "--bwlimit", "1M"],
      timeoutMs: 120_000,
      onProgress: (progress) => seen.push(progress),
    });
    expect(result.ok).toBe(true);
    expect(result.stats).toMatchObject({ transfers: 2, bytes: 3 * 1024 * 1024 + 1 });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    const during = seen.filter((p) => p.transferring.length > 0);
    expect(during.length).toBeGreaterThanOrEqual(1);
    expect(during.map((p) => p.transferring[0]?.name)).toContain("big.bin");
    const byteCounts = seen.map((p) => p.bytes);
    expect(byteCounts).toEqual([...byteCounts].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ bytes: 3 * 1024 * 1024 + 1, totalTransfers: 2 });
  });
});
