/** A sync mode, as the host sees it: its pure machine (for replay and status) and how to run it. */
import type { AnyStateMachine } from "xstate";
import type { SyncConfig } from "../config/schema.js";
import type { InFlight } from "../effects/actors.js";
import type { CycleLock } from "../effects/cycle-lock.js";
import type { RcloneRun } from "../effects/rclone-runner.js";
import type { WorkspacePaths } from "../paths.js";
import type { RcloneCapabilities } from "../rclone/capabilities.js";

export interface ModeRuntime {
  config: SyncConfig;
  paths: WorkspacePaths;
  /** `remote:<remotePath>`. */
  remoteRoot: string;
  caps: RcloneCapabilities;
  lock: CycleLock;
  rclone: RcloneRun;
  now: () => number;
  inFlight: InFlight;
}

export interface Mode {
  name: SyncConfig["mode"];
  /** The pure machine: replayed by `status` and `log`, never run without effects. */
  machine: AnyStateMachine;
  /** The machine with this workspace's effects provided, and what its `hostStarted` carries besides the basics. */
  build(runtime: ModeRuntime): { machine: AnyStateMachine; started: Record<string, unknown> };
}
