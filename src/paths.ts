/**
 * Where things live. OpenClaw's conventions first (OPENCLAW_STATE_DIR, OPENCLAW_WORKSPACE_DIR),
 * explicit flags over both. Pure functions of their inputs: no I/O here.
 */
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";

export interface PathInputs {
  env: NodeJS.ProcessEnv;
  stateDir?: string | undefined;
  workspace?: string | undefined;
  config?: string | undefined;
}

export function openclawStateDir(env: NodeJS.ProcessEnv): string {
  return env.OPENCLAW_STATE_DIR ? resolve(env.OPENCLAW_STATE_DIR) : join(homedir(), ".openclaw");
}

/** The tool's own state directory: event logs, rclone config, locks, the default `local` cloud. */
export function stateDirOf(inputs: PathInputs): string {
  if (inputs.stateDir) return resolve(inputs.stateDir);
  return join(openclawStateDir(inputs.env), "workspace-sync");
}

export function workspaceOf(inputs: PathInputs): string {
  if (inputs.workspace) return resolve(inputs.workspace);
  if (inputs.env.OPENCLAW_WORKSPACE_DIR) return resolve(inputs.env.OPENCLAW_WORKSPACE_DIR);
  return join(openclawStateDir(inputs.env), "workspace");
}

export function configFileOf(inputs: PathInputs): string {
  if (inputs.config) return resolve(inputs.config);
  return join(openclawStateDir(inputs.env), "openclaw.json");
}

/** A stable, readable id for a workspace folder: `<name>-<hash of the absolute path>`. */
export function workspaceId(workspace: string): string {
  const hash = createHash("sha256").update(resolve(workspace)).digest("hex").slice(0, 10);
  const name =
    basename(workspace)
      .replace(/[^A-Za-z0-9_.-]/g, "_")
      .slice(0, 40) || "root";
  return `${name}-${hash}`;
}

export interface WorkspacePaths {
  workspace: string;
  /** `<workspace>/<localPath>`: the folder that is synced. */
  localDir: string;
  inboxDir: string;
  /** `<workspace>/.workspace-sync`: the cycle lock and the drain's staging folder. Never synced. */
  toolDir: string;
  /**
   * The tool's folder seen from the synced folder (`.workspace-sync`) when it lies inside it (the synced folder is
   * the workspace root, however `localPath` spelled it), else null. Every sync excludes it then: never pushed,
   * never deleted or replaced by a pull.
   */
  toolDirInSync: string | null;
  stagingDir: string;
  cycleLock: string;
  /** `<stateDir>/workspaces/<id>`: this workspace's event log. */
  stateDir: string;
  logDir: string;
  /** `<stateDir>/workspaces/<id>/bisync`: bisync's working directory (listings, locks, filters file). */
  bisyncDir: string;
}

/**
 * `mode` picks the event log: each mode keeps its own history (`log` for mailbox, `log-mirror`,
 * `log-bisync`), because a log replays only through the machine that wrote it. Switching `mode` starts
 * that mode's history (or resumes it); the other stays as it was.
 */
export function workspacePaths(
  stateDir: string,
  workspace: string,
  localPath: string,
  mode: "mailbox" | "mirror" | "bisync" = "mailbox",
): WorkspacePaths {
  const localDir = localPath === "" ? workspace : join(workspace, localPath);
  const toolDir = join(workspace, ".workspace-sync");
  const own = join(stateDir, "workspaces", workspaceId(workspace));
  const toolSeen = relative(resolve(localDir), resolve(toolDir));
  const inside = toolSeen !== "" && !toolSeen.startsWith("..") && !isAbsolute(toolSeen);
  return {
    workspace,
    localDir,
    inboxDir: join(localDir, "_inbox"),
    toolDir,
    toolDirInSync: inside ? toolSeen.split("\\").join("/") : null,
    stagingDir: join(toolDir, "incoming"),
    cycleLock: join(toolDir, "cycle.lock"),
    stateDir: own,
    logDir: join(own, mode === "mailbox" ? "log" : `log-${mode}`),
    bisyncDir: join(own, "bisync"),
  };
}

export function rcloneConfigPath(stateDir: string): string {
  return join(stateDir, "rclone.conf");
}

/** The backend names the rclone binary knows, kept per binary (`src/rclone/backends.ts`). */
export function rcloneBackendsCachePath(stateDir: string): string {
  return join(stateDir, "rclone-backends.json");
}

export function defaultLocalCloud(stateDir: string): string {
  return join(stateDir, "cloud");
}
