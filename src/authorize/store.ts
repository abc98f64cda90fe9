/**
 * Storing an authorization: the token (and, for OneDrive, the drive) goes into the project's own
 * rclone.conf (0600, under the state directory) as the configured remote's section, where rclone
 * also keeps the token fresh. The plugin config never needs to hold it.
 */
import { mkdir } from "node:fs/promises";
import type { SyncConfig } from "../config/schema.js";
import { rcloneConfigPath } from "../paths.js";
import { providerFor } from "../providers/index.js";
import { mergeRemoteSection, readRcloneConfigIfAny, writeRcloneConfig } from "../rclone/config-file.js";
import { fieldOf } from "../util/json.js";
import { TokenError } from "./token.js";

export interface StoredAuthorization {
  configPath: string;
  remoteName: string;
}

export async function storeAuthorization(input: {
  config: SyncConfig;
  stateDir: string;
  token: string;
  /** More options for the section (OneDrive's `drive_id` and `drive_type`). */
  extra?: Record<string, string>;
}): Promise<StoredAuthorization> {
  const { config, stateDir } = input;
  const definition = providerFor(config).remote({ config, stateDir });
  if (!definition.oauth) throw new TokenError(`the ${config.provider} provider does not use OAuth tokens`);
  const configPath = rcloneConfigPath(stateDir);
  const existing = await readRcloneConfigIfAny(configPath);
  const merged = mergeRemoteSection(existing[config.remoteName], definition.section, definition.oauth.stored);
  const section = { ...merged, ...input.extra, token: input.token };
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeRcloneConfig(configPath, { ...existing, [config.remoteName]: section });
  return { configPath, remoteName: config.remoteName };
}

export interface OneDriveDrive {
  drive_id: string;
  drive_type: string;
}

/** The account's default drive, from Microsoft Graph (`/me/drive`); rclone needs its id and type. */
export async function discoverOneDrive(
  token: string,
  options: { graphUrl?: string; fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<OneDriveDrive> {
  const access = String(fieldOf(JSON.parse(token), "access_token"));
  const base = options.graphUrl ?? "https://graph.microsoft.com";
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${base}/v1.0/me/drive`, {
      headers: { authorization: `Bearer ${access}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
  } catch (error) {
    throw new TokenError(
      `could not reach Microsoft Graph to find your drive (${error instanceof Error ? error.name : String(error)})`,
    );
  }
  if (!response.ok)
    throw new TokenError(`Microsoft Graph refused to name your drive (HTTP ${response.status})`);
  const body: unknown = await response.json();
  const id = fieldOf(body, "id");
  const driveType = fieldOf(body, "driveType");
  if (typeof id !== "string" || typeof driveType !== "string") {
    throw new TokenError("Microsoft Graph answered without a drive id and type");
  }
  return { drive_id: id, drive_type: driveType };
}
