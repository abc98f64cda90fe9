/**
 * The mirror and bisync modes (and the mailbox's deletion guard) end to end, through the real CLI and
 * the real rclone, against one kind of remote. Each scenario gets its own workspace, state directory
 * and remote folder; the server is shared by the file. Convergence is judged by an independent
 * `rclone check`, and "changes nothing" by md5 snapshots of both sides.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { loadConfigFile } from "../../src/config/load.js";
import { prepareRemote } from "../../src/effects/remote.js";
import { workspacePaths } from "../../src/paths.js";
import { hashesOf, type RemoteSide, remoteSide } from "../support/remote-side.js";
import { createSandbox, filesIn, rcloneCheck, type Sandbox, testEnv } from "../support/sandbox.js";
import { startS3Server, startSftpServer, type TestRemote } from "../support/servers.js";

export type RemoteKind = "local" | "sftp" | "s3";

export interface World {
  sb: Sandbox;
  side: RemoteSide;
  config: Record<string, unknown>;
  /** Rewrites the config file with `change` applied (the next command reads it). */
  reconfigure(change: Record<string, unknown>): Promise<void>;
  write(path: string, text: string | Buffer, mtime?: Date): Promise<void>;
  read(path: string): Promise<string>;
  check(filters?: string[]): Promise<void>;
  snapshot(): Promise<string[][]>;
  json(...argv: string[]): Promise<{ code: number; out: Record<string, unknown>; stderr: string }>;
  bisyncDir: string;
}

/** Starts the kind's server once for the file and hands out fresh worlds on it. */
export function useRemote(kind: RemoteKind): () => Promise<World> {
  let server: TestRemote | null = null;
  let serverRoot = "";
  const sandboxes: Sandbox[] = [];
  let n = 0;
  beforeAll(async () => {
    if (kind === "local") return;
    serverRoot = await mkdtemp(join(tmpdir(), "wsync-server-"));
    server = await (kind === "sftp" ? startSftpServer : startS3Server)(join(serverRoot, "data"));
  });
  afterAll(async () => {
    await server?.stop();
    for (const sb of sandboxes) await sb.cleanup();
    if (serverRoot) await rm(serverRoot, { recursive: true, force: true });
  });
  return async () => {
    const remotePath = `t${++n}-${randomBytes(3).toString("hex")}`;
    let config: Record<string, unknown> = { ...(server?.config ?? {}), remotePath };
    const sb = await createSandbox(config);
    sandboxes.push(sb);
    const fileConfig = JSON.parse(await readFile(sb.configPath, "utf8")) as Record<string, unknown>;
    config = fileConfig;
    const side = server
      ? remoteSide(server.root(remotePath), ["--config", server.rcloneConfig])
      : remoteSide(join(sb.cloud, remotePath));
    const world: World = {
      sb,
      side,
      config,
      async reconfigure(change) {
        world.config = { ...world.config, ...change };
        await writeFile(sb.configPath, JSON.stringify(world.config));
      },
      async write(path, text, mtime) {
        const file = join(sb.shared, path);
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, text);
        if (mtime) await utimes(file, mtime, mtime);
      },
      read: (path) => readFile(join(sb.shared, path), "utf8"),
      async check(filters = []) {
        const result = await rcloneCheck(sb.shared, side.root, [...side.args, ...filters]);
        expect(result.code, result.stderr).toBe(0);
      },
      snapshot: async () => [await hashesOf(sb.shared), await side.hashes()],
      async json(...argv) {
        const result = await sb.cli(...argv, "--json");
        const out = result.stdout.trim() === "" ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
        return { code: result.code, out, stderr: result.stderr };
      },
      bisyncDir: workspacePaths(sb.stateDir, sb.workspace, "shared").bisyncDir,
    };
    return world;
  };
}

export async function status(world: World): Promise<Record<string, unknown>> {
  return (await world.json("status")).out;
}

/** A real `rclone bisync` of the world's paths, slowed down so it holds bisync's lock for a while. */
export async function slowBisync(world: World): Promise<ChildProcess> {
  const loaded = await loadConfigFile(world.sb.configPath, testEnv());
  const remote = await prepareRemote(loaded.sync, world.sb.stateDir);
  const args = ["bisync", remote.remoteRoot, world.sb.shared, "--workdir", world.bisyncDir];
  args.push(
    "--filters-file",
    join(world.bisyncDir, "filters.txt"),
    "--config",
    remote.configPath,
    "--bwlimit",
    "10k",
  );
  const child = spawn("rclone", args, { env: testEnv(), stdio: "ignore" });
  await waitFor(
    async () => (await readdir(world.bisyncDir)).some((f) => f.endsWith(".lck")),
    "a bisync lock file",
  );
  return child;
}

export async function waitFor(
  condition: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function lockFiles(world: World): Promise<string[]> {
  return (await readdir(world.bisyncDir)).filter((f) => f.endsWith(".lck"));
}

export async function removeListing(world: World, side: "path1" | "path2"): Promise<void> {
  for (const f of await readdir(world.bisyncDir))
    if (f.endsWith(`.${side}.lst`)) await unlink(join(world.bisyncDir, f));
}

export const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
export { filesIn };
