/** What every command needs: its common arguments and the scope they resolve to. */
import { stat } from "node:fs/promises";
import { loadConfigFile } from "../config/load.js";
import { configFileOf, stateDirOf, workspaceOf } from "../paths.js";
import type { Scope } from "../runtime/scope.js";
import { CliError, ExitCode } from "./errors.js";
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

/** The scope a command works on: its config, state directory and workspace, resolved the same way for all. */
export async function resolveScope(args: CommonArgs, out: Output, env = process.env): Promise<Scope> {
  const inputs = { env, config: args.config, workspace: args.workspace, stateDir: args["state-dir"] };
  const loaded = await loadConfigFile(configFileOf(inputs), env);
  for (const warning of loaded.warnings) out.warn(warning);
  return { loaded, stateDir: stateDirOf(inputs), workspace: workspaceOf(inputs) };
}

/**
 * The workspace must exist already: `status` and `sync` never create it (a typo in `--workspace` or in
 * `OPENCLAW_WORKSPACE_DIR` would otherwise sync an empty folder). Exit 2, naming where the path came from.
 */
export async function requireWorkspace(
  workspace: string,
  args: CommonArgs,
  env = process.env,
): Promise<void> {
  const found = await stat(workspace).catch(() => null);
  if (found?.isDirectory()) return;
  const from =
    args.workspace !== undefined
      ? "--workspace"
      : env.OPENCLAW_WORKSPACE_DIR
        ? "$OPENCLAW_WORKSPACE_DIR"
        : "OpenClaw's default workspace";
  const what = found ? "is not a folder" : "does not exist";
  throw new CliError(
    `the workspace ${workspace} (${from}) ${what}; pass --workspace with the agent's workspace folder (nothing was created)`,
    ExitCode.usage,
  );
}
