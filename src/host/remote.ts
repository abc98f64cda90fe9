/** The configured remote made ready: its section in the project's own rclone config, its folders, its secrets. */
import { mkdir } from "node:fs/promises";
import type { SyncConfig } from "../config/schema.js";
import { rcloneConfigPath } from "../paths.js";
import { providerFor } from "../providers/index.js";
import { writeRcloneConfig } from "../rclone/config-file.js";
import { remoteSpec } from "../rclone/remote.js";
import { createRedactor, type Redact } from "../util/errors.js";

export interface PreparedRemote {
  /** The project's rclone config (0600, under the state directory); never the user's own. */
  configPath: string;
  /** `remote:<remotePath>`, e.g. `cloud:openclaw-share`. */
  remoteRoot: string;
  redact: Redact;
  describe: string;
}

export async function prepareRemote(config: SyncConfig, stateDir: string): Promise<PreparedRemote> {
  const remote = providerFor(config).remote({ config, stateDir });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await remote.prepare?.();
  const configPath = rcloneConfigPath(stateDir);
  await writeRcloneConfig(configPath, { [config.remoteName]: remote.section });
  return {
    configPath,
    remoteRoot: remoteSpec(config.remoteName, [...(remote.pathPrefix ?? []), config.remotePath]),
    redact: createRedactor(remote.secrets),
    describe: remote.describe,
  };
}
