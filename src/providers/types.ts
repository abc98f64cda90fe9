/** A provider turns the config into one rclone remote in the project's own rclone config file. */
import type { SyncConfig } from "../config/schema.js";

/**
 * What a provider reads: its own block and `local`. The sync config has this shape, and so does the
 * backup block (whose own provider blocks override the sync ones), so both build remotes the same way.
 */
export type ProviderSettings = Pick<
  SyncConfig,
  "local" | "s3" | "dropbox" | "gdrive" | "onedrive" | "custom"
>;

export interface ProviderContext {
  config: ProviderSettings;
  stateDir: string;
}

export interface RemoteDefinition {
  /** The section written to the project's rclone.conf (`type` and its options). */
  section: Record<string, string>;
  /** Values that must never reach a log, the event log, status output or an error. */
  secrets: string[];
  /** Folders to make before rclone can use the remote (the `local` cloud folder). */
  prepare?: () => Promise<void>;
  /** Path segments before `remotePath` (an S3 bucket), so files land at `<bucket>/<remotePath>`. */
  pathPrefix?: string[];
  /** How the remote is described to people (no secret). */
  describe: string;
}

export interface Provider {
  name: string;
  remote(context: ProviderContext): RemoteDefinition;
}

/** The config lacks something this provider needs (named in the message). */
export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError";
}
