import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findRclone } from "../../src/rclone/binary.js";
import type { RcloneLogLine } from "../../src/rclone/json-log.js";
import { type RcloneRunOptions, rcloneArgs, runRclone } from "../../src/rclone/run.js";

let dir: string;
let src: string;
let dst: string;
let base: Pick<RcloneRunOptions, "binary" | "configPath" | "timeoutMs">;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ws-rclone-run-"));
  src = path.join(dir, "src");
  dst = path.join(dir, "dst");
  await mkdir(path.join(src, "sub"), { recursive: true });
  await mkdir(dst);
  await writeFile(path.join(src, "a.txt"), "a");
  await writeFile(path.join(src, "b c.txt"), "bb");
  await writeFile(path.join(src, "sub", "d.txt"), "ddd");
  const configPath = path.join(dir, "rclone.conf");
  await writeFile(configPath, "", { mode: 0o600 });
  base = { binary: await findRclone(), configPath, timeoutMs: 30_000 };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const threeFiles = [
  { path: "a.txt", action: "copied" },
  { path: "b c.txt", action: "copied" },
  { path: "sub/d.txt", action: "copied" },
];
const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);

/** Running, not a zombie: an orphan killed here waits for PID 1 to reap it, and this VM's init is slow to. */
async function isRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

describe("runRclone with the real rclone", () => {
  it("syncs three files and reports stats and changes", async () => {
    const lines: RcloneLogLine[] = [];
    let spawned: number | undefined;
    const result = await runRclone({
      ...base,
      args: ["sync", src, dst],
      onLine: (line) => lines.push(line),
      onSpawn: (pid) => {
        spawned = pid;
      },
    });
    expect(result.ok).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.stats).toMatchObject({ transfers: 3, bytes: 6, errors: 0 });
    expect([...result.changes].sort(byPath)).toEqual(threeFiles);
    expect(result.command).toBe(
      `rclone sync ${src} ${dst} --config ${base.configPath} --use-json-log -v --retries 1 --contimeout 10s --timeout 60s --low-level-retries 3`,
    );
    expect(spawned).toBeGreaterThan(1);
    expect(lines.some((line) => line.stats !== undefined)).toBe(true);
    expect(await readFile(path.join(dst, "sub", "d.txt"), "utf8")).toBe("ddd");
  });

  it("--dry-run changes nothing and reports the would-be changes", async () => {
    const result = await runRclone({ ...base, args: ["sync", src, dst, "--dry-run"] });
    expect(result.ok).toBe(true);
    expect([...result.changes].sort(byPath)).toEqual(threeFiles.map((c) => ({ ...c, dryRun: true })));
    expect(await readdir(dst)).toEqual([]);
  });

  it("moves files into an existing folder", async () => {
    await writeFile(path.join(dst, "keep.txt"), "k");
    const result = await runRclone({ ...base, args: ["move", src, dst] });
    expect(result.ok).toBe(true);
    expect([...result.changes].sort(byPath)).toEqual(threeFiles.map((c) => ({ ...c, action: "moved" })));
    expect(result.stats.renames).toBe(3);
    expect(existsSync(path.join(src, "a.txt"))).toBe(false);
    expect(existsSync(path.join(dst, "sub", "d.txt"))).toBe(true);
  });

  it("captures stdout as text and redacts the command", async () => {
    const result = await runRclone({
      ...base,
      args: ["lsf", "-R", src],
      redact: (text) => text.replaceAll(dir, "<tmp>"),
    });
    expect(result.ok).toBe(true);
    expect(result.stdout.split("\n").sort()).toEqual(["", "a.txt", "b c.txt", "sub/", "sub/d.txt"]);
    expect(result.command).toBe(
      "rclone lsf -R <tmp>/src --config <tmp>/rclone.conf --use-json-log -v --retries 1 --contimeout 10s --timeout 60s --low-level-retries 3",
    );
  });

  it("a missing source is not-found with exit code 3 and a one-line message", async () => {
    const result = await runRclone({ ...base, args: ["sync", path.join(dir, "nope"), dst] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.exitCode).toBe(3);
    expect(result.failure).toMatchObject({
      kind: "not-found",
      exitCode: 3,
      message: `Local file system at ${dir}/nope: error reading source root directory: directory not found`,
      command: result.command,
    });
    expect(result.failure.message).not.toMatch(/\n/);
    expect(result.stats.errors).toBe(1);
  });

  it("an unknown flag is fatal", async () => {
    const result = await runRclone({ ...base, args: ["sync", src, dst, "--resilient"] });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.exitCode).toBe(1);
    expect(result.failure).toMatchObject({ kind: "fatal", message: "unknown flag: --resilient" });
  });

  it("a timeout kills the process group and reports kind timeout", async () => {
    const stdin = new PassThrough();
    stdin.write("some bytes, and then nothing more, ever");
    let pid = 0;
    const started = Date.now();
    const result = await runRclone({
      ...base,
      timeoutMs: 1500,
      args: ["rcat", path.join(dst, "upload.bin")],
      stdin,
      onSpawn: (p) => {
        pid = p;
      },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe("timeout");
    expect(result.failure.message).toBe("rclone did not finish within 1.5 s and was stopped");
    expect(pid).toBeGreaterThan(1);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(() => process.kill(-pid, 0)).toThrow();
    stdin.destroy();
  });

  it("an abort stops rclone and reports a retryable stop", async () => {
    const controller = new AbortController();
    const stdin = new PassThrough();
    let pid = 0;
    const pending = runRclone({
      ...base,
      args: ["rcat", path.join(dst, "upload.bin")],
      stdin,
      signal: controller.signal,
      onSpawn: (p) => {
        pid = p;
      },
    });
    setTimeout(() => controller.abort(), 500);
    const result = await pending;
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe("retryable");
    expect(result.failure.message).toMatch(/stopped/);
    expect(() => process.kill(pid, 0)).toThrow();
    stdin.destroy();
  });

  it("a failed input stream is a failure even though rclone exits 0 (it would publish a truncated file)", async () => {
    const stdin = new PassThrough();
    stdin.write("partial data");
    setTimeout(() => stdin.destroy(new Error("producer died")), 300);
    const result = await runRclone({ ...base, args: ["rcat", path.join(dst, "upload.bin")], stdin });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.exitCode).toBe(0);
    expect(result.failure.kind).toBe("retryable");
    expect(result.failure.message).toBe(
      "rclone's input failed (producer died); what it wrote may be truncated",
    );
    // What rclone 1.60 does on a local remote: the truncated object is there under its final name.
    expect(await readFile(path.join(dst, "upload.bin"), "utf8")).toBe("partial data");
  });

  it("does not start rclone when the signal is already aborted", async () => {
    let spawned = false;
    const result = await runRclone({
      ...base,
      args: ["version"],
      signal: AbortSignal.abort(),
      onSpawn: () => {
        spawned = true;
      },
    });
    expect(spawned).toBe(false);
    expect(result).toMatchObject({ ok: false, exitCode: null, failure: { kind: "retryable" } });
  });

  it("a missing binary is a fatal failure, not a rejection", async () => {
    const result = await runRclone({ ...base, binary: path.join(dir, "no-rclone"), args: ["version"] });
    expect(result).toMatchObject({ ok: false, exitCode: null, failure: { kind: "fatal" } });
    if (!result.ok) expect(result.failure.message).toMatch(/could not start rclone: .*ENOENT/);
  });
});

describe("runRclone process handling (with /bin/sh standing in for rclone)", () => {
  it("passes a clean environment", async () => {
    const result = await runRclone({
      ...base,
      binary: "/bin/sh",
      args: ["-c", "env"],
      env: { PATH: "/usr/bin:/bin", AWS_CA_BUNDLE: "/x.pem", RCLONE_CONFIG: "/y", SECRET: "s" },
      extraEnv: { RCLONE_CONFIG_PASS: "ours" },
    });
    expect(result.ok).toBe(true);
    const names = result.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("=")[0]);
    expect(names).toContain("PATH");
    expect(names).toContain("RCLONE_CONFIG_PASS");
    expect(names).not.toContain("AWS_CA_BUNDLE");
    expect(names).not.toContain("RCLONE_CONFIG");
    expect(names).not.toContain("SECRET");
  });

  it("escalates to SIGKILL for the whole group when SIGTERM is ignored", async () => {
    const pidFile = path.join(dir, "grandchild.pid");
    const script = `trap '' TERM; sleep 30 & echo $! > '${pidFile}'; wait`;
    const started = Date.now();
    const result = await runRclone({
      ...base,
      binary: "/bin/sh",
      args: ["-c", script],
      timeoutMs: 500,
      killGraceMs: 300,
    });
    expect(result).toMatchObject({ ok: false, failure: { kind: "timeout" } });
    expect(Date.now() - started).toBeLessThan(5_000);
    const grandchild = Number(await readFile(pidFile, "utf8"));
    expect(grandchild).toBeGreaterThan(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await isRunning(grandchild)).toBe(false);
  });
});

describe("rcloneArgs", () => {
  it("adds the flags every run needs, before a `--`, without doubling verbosity, retries or timeouts", () => {
    expect(rcloneArgs(["lsf", "x:"], "/c")).toEqual([
      "lsf",
      "x:",
      "--config",
      "/c",
      "--use-json-log",
      "-v",
      "--retries",
      "1",
      "--contimeout",
      "10s",
      "--timeout",
      "60s",
      "--low-level-retries",
      "3",
    ]);
    expect(
      rcloneArgs(
        ["copy", "-vv", "--retries=3", "--timeout=5m", "--low-level-retries", "1", "--", "-a", "b"],
        "/c",
      ),
    ).toEqual([
      "copy",
      "-vv",
      "--retries=3",
      "--timeout=5m",
      "--low-level-retries",
      "1",
      "--config",
      "/c",
      "--use-json-log",
      "--contimeout",
      "10s",
      "--",
      "-a",
      "b",
    ]);
  });
});
