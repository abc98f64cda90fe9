/**
 * Tokens the original plugin (openclaw-workspace-sync 2.x) stored: its `authorize` wrote the OAuth remote into
 * its own rclone config, `configPath` when the config names one, else `$OPENCLAW_STATE_DIR/.config/rclone/rclone.conf`
 * (`~/.openclaw/...` without the variable), as the section `remoteName` ("cloud"). A user upgrading keeps that
 * authorization: the first run finds it and copies it into the project's own rclone.conf, once (after that the
 * project's file has a token). The original's file is only read, never written.
 */
import { join } from "node:path";
import { openclawStateDir } from "../paths.js";
import type { OAuthRemote } from "../providers/index.js";
import { readRcloneConfigIfAny } from "../rclone/config-file.js";

/** Where the original plugin kept its rclone config. */
export function legacyRcloneConfigPath(configPath: string | undefined, env: NodeJS.ProcessEnv): string {
  if (configPath !== undefined && configPath !== "") return configPath;
  return join(openclawStateDir(env), ".config", "rclone", "rclone.conf");
}

export interface LegacyImport {
  /** The options to add to the project's section: `token`, and what the original stored with it (OneDrive's drive). */
  options: Record<string, string>;
  /** The file they came from. */
  from: string;
}

/**
 * The token (and its stored options) the original kept for this remote: same name, same backend `type`,
 * same OAuth app (`client_id`, or none on both sides: a token refreshes only with the app that issued it).
 * Null when there is none, or the file cannot be read (the user then authorizes as for a new setup).
 */
export async function findLegacyToken(input: {
  remoteName: string;
  section: Readonly<Record<string, string>>;
  oauth: OAuthRemote;
  configPath: string | undefined;
  env: NodeJS.ProcessEnv;
}): Promise<LegacyImport | null> {
  const from = legacyRcloneConfigPath(input.configPath, input.env);
  let remotes: Awaited<ReturnType<typeof readRcloneConfigIfAny>>;
  try {
    remotes = await readRcloneConfigIfAny(from);
  } catch {
    return null;
  }
  const old = remotes[input.remoteName];
  if (old === undefined || !old.token) return null;
  if (old.type !== input.section.type) return null;
  if ((old.client_id ?? "") !== (input.section.client_id ?? "")) return null;
  const options: Record<string, string> = { token: old.token };
  for (const option of input.oauth.stored) {
    const value = old[option];
    if (option !== "token" && value && !input.section[option]) options[option] = value;
  }
  return { options, from };
}
