/**
 * What the fault tests share: a cloud on another file system than the workspace (a tmpfs the test mounts
 * when it runs as root, else an SFTP server on 127.0.0.1, whose transfers are streamed like a real
 * remote's), a wrapper around the real rclone that slows transfers (to widen the window a kill lands in),
 * seeded randomness, and the CLI run with that rclone.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { EventLog } from "../../src/log/event-log.js";
import { workspacePaths } from "../../src/paths.js";
import { stateName } from "../../src/util/state-name.js";
import { type CliResult, cliPath, filesIn, runCaptured, type Sandbox, testEnv } from "../support/sandbox.js";
import { startSftpServer } from "../support/servers.js";

const run = promisify(execFile);

export interface CrossFsCloud {
  /** The folder that holds the remote's files (`<dir>/openclaw-share/_outbox` is the outbox). */
  dir: string;
  /** Config keys that point the tool at it. */
  config: Record<string, unknown>;
  /** `tmpfs` or `sftp`. */
  kind: string;
  stop(): Promise<void>;
}

/** Mount a tmpfs of `sizeMb` at `dir` (root only); false when that is not possible here. */
export async function mountTmpfs(dir: string, sizeMb: number): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  await mkdir(dir, { recursive: true });
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${sizeMb}m`, "tmpfs", dir]);
    return true;
  } catch {
    return false;
  }
}

export async function unmount(dir: string): Promise<void> {
  await run("umount", [dir]).catch(() => run("umount", ["-l", dir]).catch(() => undefined));
}

export async function crossFsCloud(root: string, sizeMb = 256): Promise<CrossFsCloud> {
  const mnt = join(root, "cloud-fs");
  if (await mountTmpfs(mnt, sizeMb)) {
    return { dir: mnt, kind: "tmpfs", config: { local: { path: mnt } }, stop: () => unmount(mnt) };
  }
  const dir = join(root, "sftp");
  const server = await startSftpServer(dir);
  return { dir, kind: "sftp", config: server.config, stop: () => server.stop() };
}

/** A wrapper script around the real rclone adding `extra` flags to every call (e.g. `--bwlimit 16M`). */
export async function rcloneWrapper(root: string, extra: string[]): Promise<string> {
  const real = (await run("sh", ["-c", "command -v rclone"])).stdout.trim();
  const path = join(root, "rclone-wrapper.sh");
  await writeFile(path, `#!/bin/sh\nexec ${real} "$@" ${extra.join(" ")}\n`);
  await chmod(path, 0o755);
  return path;
}

/** mulberry32: a small seeded generator, so every run makes the same files and kills at the same times. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `size` bytes from the generator (distinct content per call). */
export function seededBytes(random: () => number, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) out.writeUInt32LE(Math.floor(random() * 4294967296), i);
  return out;
}

export const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** sha256 of every file under `dir`, by relative path. */
export async function digests(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of await filesIn(dir)) out.set(name, sha256(await readFile(join(dir, name))));
  return out;
}

/** The CLI of `box`, with `WORKSPACE_SYNC_RCLONE` set to `rclone`. */
export function cliWith(box: Sandbox, rclone: string) {
  const env = testEnv({ WORKSPACE_SYNC_RCLONE: rclone });
  return {
    env,
    run: (...argv: string[]): Promise<CliResult> =>
      runCaptured(process.execPath, [cliPath, ...argv, ...box.args], env),
    argv: (...argv: string[]): string[] => [cliPath, ...argv, ...box.args],
  };
}

/** The state after the newest logged event (read-only), or "" before the first. */
export async function lastState(box: Sandbox): Promise<string> {
  const paths = workspacePaths(box.stateDir, box.workspace, "shared");
  const log = await EventLog.open({ dir: paths.logDir, readOnly: true }).catch(() => null);
  if (log === null) return "";
  try {
    const [last] = await log.read({ limit: 1 });
    return last ? stateName(last.state) : "";
  } finally {
    await log.close();
  }
}

/** Merge `config` into the sandbox's config file (for a cloud made after the sandbox). */
export async function configure(box: Sandbox, config: Record<string, unknown>): Promise<void> {
  const current = JSON.parse(await readFile(box.configPath, "utf8")) as Record<string, unknown>;
  await writeFile(box.configPath, JSON.stringify({ ...current, ...config }, null, 2));
}

/**
 * An S3 config whose endpoint answers badly or not at all (the network fault tests), with a backup block so
 * `backup now` meets the same endpoint; the secret is one the tests check never shows.
 */
export const unreachableS3 = (endpoint: string) => ({
  provider: "s3",
  s3: {
    endpoint,
    bucket: "wsync-test",
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "not-a-real-secret",
    provider: "Other",
  },
  backup: { enabled: true, encrypt: false },
});
