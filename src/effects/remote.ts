/** The configured remote made ready: its section in the project's own rclone config, its folders, its secrets. */
import { mkdir } from "node:fs/promises";
import type { SyncConfig } from "../config/schema.js";
import { rcloneConfigPath } from "../paths.js";
import { providerFor, type RemoteDefinition } from "../providers/index.js";
import {
  mergeRemoteSection,
  type RcloneRemotes,
  readRcloneConfigIfAny,
  writeRcloneConfig,
} from "../rclone/config-file.js";
import { tokenSecrets } from "../rclone/oauth-token.js";
import { remoteSpec } from "../rclone/remote.js";
import { createRedactor, type Redact } from "../util/errors.js";

export interface PreparedRemote {
  /** The project's rclone config (0600, under the state directory); never the user's own. */
  configPath: string;
  /** `remote:<remotePath>`, e.g. `cloud:openclaw-share` (`cloud:<bucket>/<remotePath>` on S3). */
  remoteRoot: string;
  /** `remote:` (plus the bucket on S3): the remote's own root. */
  remoteBase: string;
  redact: Redact;
  describe: string;
  /** The config key that says where the remote lives, when one does (`s3.endpoint`). */
  endpointKey?: string;
}

/** An OAuth remote lacks a token (or OneDrive its drive) in both the config and the project's rclone.conf. */
export class CredentialsMissingError extends Error {
  override readonly name = "CredentialsMissingError";
  constructor(
    readonly provider: string,
    readonly option: string,
    readonly fix: string,
  ) {
    super(`the ${provider} remote has no ${option === "token" ? "token" : option}: ${fix}`);
  }
}

export interface RemotePlan {
  definition: RemoteDefinition;
  configPath: string;
  /** Every remote the file will hold: the others as they are, this one merged. */
  remotes: RcloneRemotes;
  /** This remote's section as it will be written. */
  section: Record<string, string>;
  /** Required options that neither the config nor the file gives. */
  missing: CredentialsMissingError[];
  /** The remote's root for rclone (no `local` folder is made yet). */
  remoteRoot: string;
  /** `remote:` plus the bucket on S3: the remote's own root, to test credentials on. */
  remoteBase: string;
  redact: Redact;
}

/** What {@link prepareRemote} would write, read-only: for diagnostics and before writing. */
export async function planRemote(config: SyncConfig, stateDir: string): Promise<RemotePlan> {
  const definition = providerFor(config).remote({ config, stateDir });
  const configPath = rcloneConfigPath(stateDir);
  const existing = await readRcloneConfigIfAny(configPath);
  const section = mergeRemoteSection(
    existing[config.remoteName],
    definition.section,
    definition.oauth?.stored ?? [],
  );
  const missing = (definition.oauth?.required ?? [])
    .filter((need) => !section[need.option])
    .map((need) => new CredentialsMissingError(config.provider, need.option, need.fix));
  const prefix = definition.pathPrefix ?? [];
  return {
    definition,
    configPath,
    remotes: { ...existing, [config.remoteName]: section },
    section,
    missing,
    remoteRoot: remoteSpec(config.remoteName, [...prefix, config.remotePath]),
    remoteBase: remoteSpec(config.remoteName, prefix),
    redact: createRedactor([...definition.secrets, ...tokenSecrets(section.token)]),
  };
}

/**
 * Writes the remote into the project's rclone config (keeping a token rclone refreshed there, and the
 * other remotes the file holds) and makes its folders. Throws {@link CredentialsMissingError} before
 * writing anything when an OAuth remote has no token.
 */
export async function prepareRemote(config: SyncConfig, stateDir: string): Promise<PreparedRemote> {
  const plan = await planRemote(config, stateDir);
  const [missing] = plan.missing;
  if (missing) throw missing;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await plan.definition.prepare?.();
  await writeRcloneConfig(plan.configPath, plan.remotes);
  return {
    configPath: plan.configPath,
    remoteRoot: plan.remoteRoot,
    remoteBase: plan.remoteBase,
    redact: plan.redact,
    describe: plan.definition.describe,
    ...(plan.definition.endpointKey === undefined ? {} : { endpointKey: plan.definition.endpointKey }),
  };
}
