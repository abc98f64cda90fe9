/** A provider turns the config into one rclone remote in the project's own rclone config file. */
import type { CustomBlock, DropboxBlock, GdriveBlock, OnedriveBlock, S3Block } from "./blocks.js";

/**
 * What a provider reads: its own block and `local`. The sync config has this shape, and so does the
 * backup block (whose own provider blocks override the sync ones), so both build remotes the same way.
 */
export interface ProviderSettings {
  local: { path?: string | undefined };
  s3?: S3Block | undefined;
  dropbox?: DropboxBlock | undefined;
  gdrive?: GdriveBlock | undefined;
  onedrive?: OnedriveBlock | undefined;
  custom?: CustomBlock | undefined;
}

export interface ProviderContext {
  config: ProviderSettings;
  stateDir: string;
}

/** The OAuth backends `workspace-sync authorize` can get a token for (rclone's backend names). */
export type OAuthBackend = "dropbox" | "drive" | "onedrive";

export interface OAuthRemote {
  /** The backend name for `rclone authorize`. */
  backend: OAuthBackend;
  /**
   * Options that may live in the project's rclone.conf instead of the config (stored there by
   * `authorize`, refreshed there by rclone): kept from the file when the config does not give them.
   */
  stored: readonly string[];
  /** Options the remote cannot work without, and what to do when one is missing. */
  required: readonly { option: string; fix: string }[];
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
  /**
   * The config key that says where the remote lives (`s3.endpoint`), named in the message when it cannot
   * be reached; none for a remote whose address is the provider's own (Dropbox) or a local folder.
   */
  endpointKey?: string;
  /** Set for OAuth backends (Dropbox, Google Drive, OneDrive). */
  oauth?: OAuthRemote;
}

export interface Provider {
  name: string;
  remote(context: ProviderContext): RemoteDefinition;
}

/** The config lacks something this provider needs (named in the message). */
export class ProviderConfigError extends Error {
  override readonly name = "ProviderConfigError";
}
