/**
 * A throwaway world for end-to-end tests: a workspace, a `local` cloud folder, a state directory
 * and a config file, plus the real CLI (the built `dist/`) run as its own process.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const cliPath = join(import.meta.dirname, "..", "..", "dist", "workspace-sync.mjs");

export interface Sandbox {
  root: string;
  workspace: string;
  shared: string;
  cloud: string;
  remoteDir: string;
  stateDir: string;
  configPath: string;
  args: string[];
  cli(...argv: string[]): Promise<CliResult>;
  spawnCli(...argv: string[]): ChildProcess;
  cleanup(): Promise<void>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment children get: no AWS_CA_BUNDLE (it breaks rclone 1.60's S3), no stray OpenClaw dirs. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.AWS_CA_BUNDLE;
  delete env.OPENCLAW_STATE_DIR;
  delete env.OPENCLAW_WORKSPACE_DIR;
  env.NO_COLOR = "1";
  return env;
}

export async function createSandbox(config: Record<string, unknown> = {}): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), "wsync-"));
  const workspace = join(root, "workspace");
  const cloud = join(root, "cloud");
  const stateDir = join(root, "state");
  const configPath = join(root, "config.json");
  await mkdir(join(workspace, "shared"), { recursive: true });
  await writeFile(
    configPath,
    // No settle wait unless a test asks for one: files the tests put in `_outbox` are whole already.
    JSON.stringify(
      { mode: "mailbox", provider: "local", local: { path: cloud }, outboxSettleSeconds: 0, ...config },
      null,
      2,
    ),
  );
  const args = ["--config", configPath, "--workspace", workspace, "--state-dir", stateDir];
  const cli = (...argv: string[]): Promise<CliResult> =>
    runCaptured(process.execPath, [cliPath, ...argv, ...args], testEnv());
  return {
    root,
    workspace,
    shared: join(workspace, "shared"),
    cloud,
    remoteDir: join(cloud, "openclaw-share"),
    stateDir,
    configPath,
    args,
    cli,
    spawnCli: (...argv) =>
      spawn(process.execPath, [cliPath, ...argv, ...args], {
        env: testEnv(),
        stdio: ["ignore", "pipe", "pipe"],
      }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

/** Every file under `dir`, relative and sorted (empty when `dir` is missing). */
export async function filesIn(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  } catch {
    return [];
  }
}

/** `rclone check` between two folders, independent of the tool: resolves with its exit code and output. */
export function rcloneCheck(a: string, b: string, extra: string[] = []): Promise<CliResult> {
  return runCaptured("rclone", ["check", a, b, ...extra], testEnv());
}

/** Run a program to its end; never rejects: the exit code and both outputs, whatever happened. */
export async function runCaptured(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(file, args, { env, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** Whether anything exists at `path`. */
export const pathExists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** Make `count` files of `size` bytes under `dir`, in nested folders, with distinct contents. */
export async function makeFiles(dir: string, count: number, size: number, prefix = "f"): Promise<void> {
  for (let i = 0; i < count; i++) {
    const folder = join(dir, `d${Math.floor(i / 100)}`);
    if (i % 100 === 0) await mkdir(folder, { recursive: true });
    const body = Buffer.alloc(size, `${prefix}${i}-`);
    await writeFile(join(folder, `${prefix}${i}.bin`), body);
  }
}
