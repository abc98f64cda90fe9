/**
 * The sides of the cycle benchmark, each an `Arm` that runs one full cycle: our CLI process, our host
 * in-process (running, or started and stopped around the cycle), the raw rclone pair, and Node alone.
 */
import { execa } from "execa";
import type { SyncConfig } from "../../src/config/schema.js";
import { drainArgs, pushArgs } from "../../src/modes/mailbox/effects.js";
import { workspacePaths } from "../../src/paths.js";
import { cleanEnv } from "../../src/rclone/env.js";
import { remoteSpec } from "../../src/rclone/remote.js";
import { startWorkspace, type WorkspaceHandle } from "../../src/runtime/workspace/start.js";
import { type CycleFixtures, cliPath, type SideFixture } from "./fixtures.js";
import type { Arm } from "./measure.js";

interface CliOutcome {
  verdict?: string;
  cycle?: { push?: { stats?: { transfers?: number } } | null } | null;
}

/** The raw side: exactly our push and drain arguments, plus the `--config` every run of ours gets. */
export function rawCommands(fixture: CycleFixtures["raw"], config: SyncConfig): string[][] {
  const paths = workspacePaths(fixture.stateDir, fixture.workspace, config.localPath);
  const where = { config, paths, remoteRoot: remoteSpec(config.remoteName, config.remotePath) };
  const withConfig = (args: string[]) => [...args, "--config", fixture.rcloneConfig];
  return [withConfig(pushArgs(where, false)), withConfig(drainArgs(where))];
}

async function run(file: string, args: readonly string[], env?: Record<string, string>): Promise<string> {
  const result = await execa(file, args, {
    reject: false,
    stdin: "ignore",
    ...(env ? { env, extendEnv: false } : {}),
  });
  if (result.exitCode !== 0) {
    const tail = String(result.stderr).slice(-800);
    throw new Error(`${file} ${args.join(" ")} exited ${result.exitCode}: ${tail}`);
  }
  return String(result.stdout);
}

/** `node dist/workspace-sync.mjs sync ... --json`; records how many files each push transferred. */
export function cliArm(fixture: SideFixture, transfers: number[]): Arm {
  const args = [cliPath, "sync", "--config", fixture.configFile, "--workspace", fixture.workspace];
  args.push("--state-dir", fixture.stateDir, "--json");
  return {
    name: "ours",
    run: async () => {
      const outcome = JSON.parse(await run(process.execPath, args)) as CliOutcome;
      if (outcome.verdict !== "done") throw new Error(`our sync did not finish: ${JSON.stringify(outcome)}`);
      transfers.push(outcome.cycle?.push?.stats?.transfers ?? -1);
    },
  };
}

/** The two rclone processes in sequence, with the same cleaned environment ours get. */
export function rawArm(binary: string, commands: readonly string[][]): Arm {
  const env = cleanEnv(process.env);
  return {
    name: "raw",
    run: async () => {
      for (const args of commands) await run(binary, args, env);
    },
  };
}

export const nodeArm = (name: string, args: string[]): Arm => ({
  name,
  run: async () => {
    await run(process.execPath, args);
  },
});

export interface HostSettings {
  config: SyncConfig;
  fixture: SideFixture;
  binary: string;
}

function start(settings: HostSettings): Promise<WorkspaceHandle> {
  return startWorkspace({
    config: settings.config,
    stateDir: settings.fixture.stateDir,
    workspace: settings.fixture.workspace,
    env: process.env,
    rcloneBinary: settings.binary,
  });
}

async function cycle(handle: WorkspaceHandle): Promise<void> {
  const { verdict } = await handle.requestSync({ source: "cli", direction: "both", dryRun: false });
  if (verdict !== "done") throw new Error(`in-process cycle ended ${verdict}`);
}

/** A cycle on a host that is already running (started once by the caller). */
export function runningHostArm(handle: WorkspaceHandle): Arm {
  return { name: "ours", run: () => cycle(handle) };
}

/** `startWorkspace` + one cycle + `stop`, in this process: the CLI's work without process start-up. */
export function coldHostArm(settings: HostSettings): Arm {
  return {
    name: "ours",
    run: async () => {
      const handle = await start(settings);
      try {
        await cycle(handle);
      } finally {
        await handle.stop();
      }
    },
  };
}

export { start as startHost };

/**
 * `workspace-sync daemon` for a fixture, as a person starts it: while it runs, `cliArm` reaches it over
 * the socket (the CLI process sends the request and waits; the daemon runs the cycle).
 */
export async function startDaemon(fixture: SideFixture): Promise<{ stop: () => Promise<void> }> {
  const args = [cliPath, "daemon", "--config", fixture.configFile, "--workspace", fixture.workspace];
  const child = execa(process.execPath, [...args, "--state-dir", fixture.stateDir], {
    reject: false,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let output = "";
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes("host ready")) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the daemon did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    stop: async () => {
      child.kill("SIGTERM");
      await child;
    },
  };
}
