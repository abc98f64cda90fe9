/**
 * Writing the plugin entry: into a whole `openclaw.json` (`plugins.entries.openclaw-workspace-sync`,
 * other entries and settings untouched), or into a file that is the plugin config itself. The old file
 * is copied to `<file>.bak-<time>` first; an existing `backup` block is kept. The old file is read as JSON5
 * (as OpenClaw reads it) and written as plain JSON: comments in it are not kept, and the caller says so.
 */
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { parseJson5 } from "../config/json5.js";
import { pluginId } from "../config/load.js";
import { writeFileDurably } from "../util/durable-file.js";
import { errnoOf, messageOf } from "../util/errors.js";

export class SetupWriteError extends Error {
  override readonly name = "SetupWriteError";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The whole openclaw.json fragment that enables the plugin with `config`. */
export function pluginSnippet(config: Record<string, unknown>): Record<string, unknown> {
  return { plugins: { entries: { [pluginId]: { enabled: true, config } } } };
}

/** `config`, keeping the old config's `backup` block (nested when the old one was nested). */
function keepBackup(old: unknown, config: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(old) || old.backup === undefined) return config;
  return isRecord(old.sync) ? { sync: config, backup: old.backup } : { ...config, backup: old.backup };
}

async function readJson(file: string): Promise<{ json: unknown; mode: number; plainJson: boolean } | null> {
  let text: string;
  let mode: number;
  try {
    [text, mode] = await Promise.all([readFile(file, "utf8"), stat(file).then((s) => s.mode & 0o777)]);
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return null;
    throw new SetupWriteError(`${file}: cannot read (${messageOf(error)}); nothing written`);
  }
  try {
    const { value, plainJson } = parseJson5(text);
    return { json: value, mode, plainJson };
  } catch (error) {
    throw new SetupWriteError(`${file}: ${messageOf(error)}; nothing written`);
  }
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

export interface WrittenConfig {
  file: string;
  /** The copy of the old file, or null when there was none. */
  backup: string | null;
  form: "openclaw.json" | "plugin config";
  /**
   * True when the old file held comments or other JSON5-only syntax: it was rewritten as plain JSON, which
   * drops them; `backup` keeps the original.
   */
  rewritten: boolean;
}

/**
 * Whether writing into `file` rewrites JSON5 (comments, trailing commas, unquoted keys) as plain JSON, losing
 * them: so the wizard can say so before it writes. False for a missing file or plain JSON.
 */
export async function rewritesJson5(file: string): Promise<boolean> {
  try {
    const found = await readJson(file);
    return found !== null && !found.plainJson;
  } catch {
    return false;
  }
}

export async function writePluginConfig(
  file: string,
  config: Record<string, unknown>,
  now: Date = new Date(),
): Promise<WrittenConfig> {
  const found = await readJson(file);
  const whole =
    found === null ? basename(file) === "openclaw.json" : isRecord(found.json) && "plugins" in found.json;
  let next: unknown;
  if (whole) {
    const root = found && isRecord(found.json) ? { ...found.json } : {};
    const plugins = isRecord(root.plugins) ? { ...root.plugins } : {};
    if (root.plugins !== undefined && !isRecord(root.plugins)) {
      throw new SetupWriteError(`${file}: \`plugins\` is not an object; fix it first, nothing written`);
    }
    const entries = isRecord(plugins.entries) ? { ...plugins.entries } : {};
    const entry = isRecord(entries[pluginId]) ? entries[pluginId] : {};
    entries[pluginId] = { ...entry, enabled: true, config: keepBackup(entry.config, config) };
    next = { ...root, plugins: { ...plugins, entries } };
  } else {
    next = keepBackup(found?.json, config);
  }
  let backup: string | null = null;
  if (found !== null) {
    backup = `${file}.bak-${stamp(now)}`;
    await copyFile(file, backup);
  } else {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  await writeFileDurably(file, `${JSON.stringify(next, null, 2)}\n`, found?.mode ?? 0o600);
  return {
    file,
    backup,
    form: whole ? "openclaw.json" : "plugin config",
    rewritten: found !== null && !found.plainJson,
  };
}
