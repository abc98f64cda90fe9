/**
 * Reading the plugin config: from a file given with --config (the plugin entry itself, or a whole
 * openclaw.json), or from OpenClaw's own config, read as JSON5 as OpenClaw reads it. Flat and nested
 * `{sync, backup}` forms are both valid.
 */
import { readFile } from "node:fs/promises";
import { ProviderConfigError, providerFor } from "../providers/index.js";
import { errnoOf, messageOf } from "../util/errors.js";
import { isRecord } from "../util/json.js";
import { type BackupConfig, backupSchema } from "./backup.js";
import { parseJson5 } from "./json5.js";
import { reservedKeys, type SyncConfig, syncSchema } from "./schema.js";
import { unknownKeyWarning, unknownKeyWarnings } from "./unknown-keys.js";

export { nearestKey } from "./unknown-keys.js";

export const pluginId = "openclaw-workspace-sync";

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(`${source}: ${message}`);
  }
}

export interface LoadedConfig {
  sync: SyncConfig;
  /** The `backup` block, validated; null when there is none, or when it has a problem (`backupError`). */
  backup: BackupConfig | null;
  /**
   * Why the `backup` block is disabled (an unset `${BACKUP_PASSPHRASE}`, a bad key), naming the key and the fix.
   * A backup problem disables backups only: sync, status, log and the daemon run on.
   */
  backupError: string | null;
  /** `sync.` in the nested form, else empty: the sync keys' place, for messages made after loading. */
  syncPrefix: "" | "sync.";
  source: string;
  warnings: string[];
}

/** `${NAME}` in any string becomes the variable's value; a missing variable is an error naming it. */
export function expandEnv(value: unknown, env: NodeJS.ProcessEnv, key = ""): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_match, name: string) => {
      const found = env[name];
      if (found === undefined) {
        throw new Error(
          `\`${key || "(value)"}\` uses \${${name}}, but the environment variable ${name} is not set`,
        );
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, `${key}[${i}]`));
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, key === "" ? k : `${key}.${k}`)]),
    );
  }
  return value;
}

/** `` `timeout` `` → `` `sync.timeout` `` in the nested form: keys in messages name where they are. */
function withPrefix(message: string, prefix: string, keys: readonly string[]): string {
  if (prefix === "") return message;
  return message.replace(
    /`([A-Za-z][A-Za-z0-9]*)((?:\.[A-Za-z0-9_*]+)*)`/g,
    (whole, key: string, rest: string) => (keys.includes(key) ? `\`${prefix}${key}${rest}\`` : whole),
  );
}

interface Validator<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Expand `${ENV}` in `raw`, then validate it; every problem names its key (with `prefix`). */
function validate<T>(
  schema: Validator<T>,
  raw: unknown,
  prefix: string,
  env: NodeJS.ProcessEnv,
  source: string,
): T {
  let expanded: unknown;
  try {
    expanded = expandEnv(raw, env, prefix.replace(/\.$/, ""));
  } catch (error) {
    throw new ConfigError(messageOf(error), source);
  }
  const result = schema.safeParse(expanded);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where =
      issue.path.length > 0 ? `${prefix}${issue.path.map(String).join(".")}` : prefix || "(config)";
    if (!issue.message.includes("`")) return `\`${where}\`: ${issue.message}`;
    const top = issue.path[0];
    return typeof top === "string" ? withPrefix(issue.message, prefix, [top]) : issue.message;
  });
  throw new ConfigError(lines.join("; "), source);
}

/** Validate a plugin config object (flat or nested). Throws ConfigError naming the key. */
export function parseConfig(
  raw: unknown,
  source: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig {
  if (!isRecord(raw)) throw new ConfigError("the plugin config must be a JSON object", source);
  const syncField = raw.sync;
  const nested = isRecord(syncField);
  // The flat form's `backup` is the backup's own: its `${ENV}` and its problems never reach the sync.
  const syncRaw = isRecord(syncField)
    ? syncField
    : Object.fromEntries(Object.entries(raw).filter(([key]) => key !== "backup"));
  const sync = validate(syncSchema, syncRaw, nested ? "sync." : "", env, source);
  const warnings = unknownKeyWarnings(syncSchema, syncRaw, nested ? "sync." : "", nested ? [] : reservedKeys);
  if (nested) {
    for (const key of Object.keys(raw).filter((k) => !reservedKeys.includes(k))) {
      warnings.push(
        key in syncSchema.shape
          ? `key \`${key}\` is ignored next to \`sync\`: in the nested form it belongs inside \`sync\``
          : unknownKeyWarning(key, reservedKeys, ""),
      );
    }
  }
  if (sync.provider !== "off") {
    try {
      providerFor(sync).remote({ config: sync, stateDir: "" });
    } catch (error) {
      if (error instanceof ProviderConfigError) {
        const keys = nested ? Object.keys(syncSchema.shape) : [];
        throw new ConfigError(withPrefix(error.message, nested ? "sync." : "", keys), source);
      }
      throw error;
    }
  }
  let backup: BackupConfig | null = null;
  let backupError: string | null = null;
  if (raw.backup !== undefined) {
    try {
      if (!isRecord(raw.backup)) throw new ConfigError("`backup` must be an object", source);
      backup = validate(backupSchema, raw.backup, "backup.", env, source);
      warnings.push(...unknownKeyWarnings(backupSchema, raw.backup, "backup."));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      backupError = error.message;
    }
  }
  return { sync, backup, backupError, syncPrefix: nested ? "sync." : "", source, warnings };
}

/** Pick the plugin entry out of a whole openclaw.json, or take the file as the entry itself. */
export function pluginEntryOf(json: unknown): { found: boolean; config: unknown } {
  if (isRecord(json) && isRecord(json.plugins) && isRecord(json.plugins.entries)) {
    const entry = json.plugins.entries[pluginId];
    if (!isRecord(entry)) return { found: false, config: undefined };
    return { found: true, config: entry.config ?? {} };
  }
  return { found: true, config: json };
}

export async function loadConfigFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = errnoOf(error);
    throw new ConfigError(code === "ENOENT" ? "file not found" : `cannot read: ${messageOf(error)}`, path);
  }
  let json: unknown;
  try {
    json = parseJson5(text).value;
  } catch (error) {
    throw new ConfigError(messageOf(error), path);
  }
  const entry = pluginEntryOf(json);
  if (!entry.found) {
    throw new ConfigError(
      `no \`plugins.entries.${pluginId}.config\` entry; add one or pass --config with the plugin config`,
      path,
    );
  }
  return parseConfig(entry.config, path, env);
}
