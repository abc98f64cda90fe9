/** The configured remote made ready: its section in the project's own rclone config, its folders, its secrets. */
import { mkdir } from "node:fs/promises";
import type { SyncConfig } from "../config/schema.js";
import { rcloneBackendsCachePath, rcloneConfigPath } from "../paths.js";
import { unknownBackendProblem } from "../providers/custom/index.js";
import { ProviderConfigError, providerFor, type RemoteDefinition } from "../providers/index.js";
import { type ListedBackends, rcloneBackends } from "../rclone/backends.js";
import {
  mergeRemoteSection,
  type RcloneRemotes,
  readRcloneConfigIfAny,
  writeRcloneConfig,
} from "../rclone/config-file.js";
import { tokenSecrets } from "../rclone/oauth-token.js";
import { remoteSpec } from "../rclone/remote.js";
import { createRedactor, type Redact } from "../util/errors.js";
import { findLegacyToken } from "./legacy-token.js";

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
  /**
   * Said once, on the run that copied the original plugin's token into the project's rclone config (where it
   * came from, never the token); null on every other run.
   */
  imported: string | null;
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
  /** The original plugin's rclone config the token comes from (first run after an upgrade), else null. */
  importedFrom: string | null;
}

/** What {@link prepareRemote} would write, read-only: for diagnostics and before writing. */
export async function planRemote(
  config: SyncConfig,
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RemotePlan> {
  const definition = providerFor(config).remote({ config, stateDir });
  const configPath = rcloneConfigPath(stateDir);
  const existing = await readRcloneConfigIfAny(configPath);
  let section = mergeRemoteSection(
    existing[config.remoteName],
    definition.section,
    definition.oauth?.stored ?? [],
  );
  let importedFrom: string | null = null;
  if (definition.oauth && !section.token) {
    const legacy = await findLegacyToken({
      remoteName: config.remoteName,
      section,
      oauth: definition.oauth,
      configPath: config.configPath,
      env,
    });
    if (legacy !== null) {
      section = { ...section, ...legacy.options };
      importedFrom = legacy.from;
    }
  }
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
    importedFrom,
  };
}

export interface PrepareOptions {
  /** The rclone that will use the remote: a `custom.rcloneType` it does not know is refused before writing. */
  rcloneBinary?: string | undefined;
  /** Its `rclone version` line, for the refusal. */
  rcloneVersion?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Where the sync keys sit (`sync.` in the nested form), so the refusal names the key as the user wrote it. */
  keyPrefix?: string | undefined;
}

/**
 * A `custom` remote's `rcloneType` (`key` as the config spells it) that the installed rclone does not know:
 * refused with a {@link ProviderConfigError}, naming the near one. The backends it listed, to keep once
 * writing is allowed; null when there was nothing to check (no binary given, or rclone could not list them:
 * it then names an unknown backend itself).
 */
export async function checkCustomBackend(
  type: string,
  key: string,
  stateDir: string,
  options: PrepareOptions,
): Promise<ListedBackends | null> {
  if (options.rcloneBinary === undefined) return null;
  const listed = await rcloneBackends(options.rcloneBinary, {
    env: options.env ?? process.env,
    cacheFile: rcloneBackendsCachePath(stateDir),
  });
  if (listed === null) return null;
  const which = options.rcloneVersion
    ? `${options.rcloneVersion} (${options.rcloneBinary})`
    : `the rclone at ${options.rcloneBinary}`;
  const problem = unknownBackendProblem(type, listed.backends, which, key);
  if (problem !== null) throw new ProviderConfigError(problem);
  return listed;
}

function checkBackend(
  config: SyncConfig,
  stateDir: string,
  options: PrepareOptions,
): Promise<ListedBackends | null> {
  const type = config.provider === "custom" ? config.custom?.rcloneType : undefined;
  if (type === undefined) return Promise.resolve(null);
  return checkCustomBackend(type, `${options.keyPrefix ?? ""}custom.rcloneType`, stateDir, options);
}

/**
 * Writes the remote into the project's rclone config (keeping a token rclone refreshed there, and the
 * other remotes the file holds) and makes its folders. Throws {@link CredentialsMissingError} before
 * writing anything when an OAuth remote has no token.
 */
export async function prepareRemote(
  config: SyncConfig,
  stateDir: string,
  options: PrepareOptions = {},
): Promise<PreparedRemote> {
  const plan = await planRemote(config, stateDir, options.env ?? process.env);
  const [missing] = plan.missing;
  if (missing) throw missing;
  const listed = await checkBackend(config, stateDir, options);
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await listed?.keep();
  await plan.definition.prepare?.();
  await writeRcloneConfig(plan.configPath, plan.remotes);
  return {
    configPath: plan.configPath,
    remoteRoot: plan.remoteRoot,
    remoteBase: plan.remoteBase,
    redact: plan.redact,
    describe: plan.definition.describe,
    imported:
      plan.importedFrom === null
        ? null
        : `the ${config.provider} authorization of the original plugin was imported from ${plan.importedFrom} (remote \`${config.remoteName}\`) into ${plan.configPath}; the original's file is left unchanged`,
    ...(plan.definition.endpointKey === undefined ? {} : { endpointKey: plan.definition.endpointKey }),
  };
}
