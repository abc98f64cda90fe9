/**
 * What every command needs: the config, the workspace and the state directory, resolved the same
 * way for all; and `withHost`, a one-shot host that owns the state directory while a command runs.
 */
import { type LoadedConfig, loadConfigFile } from "../config/load.js";
import { acquireStateDirLock } from "../log/state-dir-lock.js";
import { configFileOf, stateDirOf, workspaceOf } from "../paths.js";
import { findRclone, readRcloneVersion } from "../rclone/binary.js";
import { startWorkspace, type WorkspaceHandle } from "../runtime/workspace/start.js";
import type { Output } from "./output.js";

export const commonArgs = {
  config: {
    type: "string",
    description: "plugin config (JSON), or an openclaw.json holding it",
    valueHint: "FILE",
  },
  workspace: { type: "string", description: "the agent workspace (default: OpenClaw's)", valueHint: "DIR" },
  "state-dir": {
    type: "string",
    description: "state directory (default: $OPENCLAW_STATE_DIR/workspace-sync)",
    valueHint: "DIR",
  },
} as const;

export interface CommonArgs {
  config?: string | undefined;
  workspace?: string | undefined;
  "state-dir"?: string | undefined;
}

export interface Resolved {
  loaded: LoadedConfig;
  stateDir: string;
  workspace: string;
}

export async function resolveContext(args: CommonArgs, out: Output, env = process.env): Promise<Resolved> {
  const inputs = { env, config: args.config, workspace: args.workspace, stateDir: args["state-dir"] };
  const loaded = await loadConfigFile(configFileOf(inputs), env);
  for (const warning of loaded.warnings) out.warn(warning);
  return { loaded, stateDir: stateDirOf(inputs), workspace: workspaceOf(inputs) };
}

/** Run `body` with this process as the host: the state directory is ours until it returns. */
export async function withHost<T>(
  resolved: Resolved,
  out: Output,
  body: (handle: WorkspaceHandle) => Promise<T>,
  env = process.env,
): Promise<T> {
  const rcloneBinary = await findRclone({ env });
  // Read once per host process; the capability gates of later modes key off it.
  const rcloneVersion = (await readRcloneVersion(rcloneBinary, { env })).raw;
  const lock = await acquireStateDirLock(resolved.stateDir, { command: process.argv.slice(1).join(" ") });
  let handle: WorkspaceHandle | undefined;
  const stop = async () => {
    await handle?.stop();
    await lock.release();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    out.warn(`${signal}: stopping; the cycle in progress resumes on the next run`);
    void stop().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  try {
    handle = await startWorkspace({
      config: resolved.loaded.sync,
      stateDir: resolved.stateDir,
      workspace: resolved.workspace,
      env,
      rcloneBinary,
      rcloneVersion,
      onWarning: (message) => out.warn(message),
    });
    return await body(handle);
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    await stop();
  }
}
