/** A provider turns the config into one rclone remote in the project's own rclone config file. */
import type { SyncConfig } from "../config/schema.js";

export interface ProviderContext {
  config: SyncConfig;
  stateDir: string;
}

export interface RemoteDefinition {
  /** The section written to the project's rclone.conf (`type` and its options). */
  section: Record<string, string>;
  /** Values that must never reach a log, the event log, status output or an error. */
  secrets: string[];
  /** Folders to make before rclone can use the remote (the `local` cloud folder). */
  prepare?: () => Promise<void>;
  /** How the remote is described to people (no secret). */
  describe: string;
}

export interface Provider {
  name: string;
  remote(context: ProviderContext): RemoteDefinition;
}
