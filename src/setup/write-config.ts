/**
 * Writing the plugin entry: into a whole `openclaw.json` (`plugins.entries.openclaw-workspace-sync`,
 * other entries and settings untouched), or into a file that is the plugin config itself. The old file
 * is copied to `<file>.bak-<time>` first; an existing `backup` block is kept. The old file is read as JSON5
 * (as OpenClaw reads it); a JSON5 openclaw.json has its plugin entry edited in place (its comments kept) when
 * that can be done exactly, else it is rewritten as plain JSON and the caller says so.
 */
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { parseJson5 } from "../config/json5.js";
import { pluginId } from "../config/load.js";
import { writeFileDurably } from "../util/durable-file.js";
import { errnoOf, messageOf } from "../util/errors.js";
import { editPluginEntry } from "./json5-edit.js";

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

interface FoundFile {
  text: string;
  json: unknown;
  mode: number;
  plainJson: boolean;
}

async function readJson(file: string): Promise<FoundFile | null> {
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
    return { text, json: value, mode, plainJson };
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
   * True when the old file held comments or other JSON5-only syntax that could not be kept: it was rewritten
   * as plain JSON, which drops them; `backup` keeps the original.
   */
  rewritten: boolean;
}

interface Planned {
  found: FoundFile | null;
  whole: boolean;
  /** The file's new text. */
  text: string;
  /** JSON5 that could not be edited in place: rewritten as plain JSON, its comments dropped. */
  rewritten: boolean;
}

async function plan(file: string, config: Record<string, unknown>): Promise<Planned> {
  const found = await readJson(file);
  const whole =
    basename(file) === "openclaw.json" || (found !== null && isRecord(found.json) && "plugins" in found.json);
  let next: unknown;
  let entry: Record<string, unknown> = {};
  if (whole) {
    if (found !== null && !isRecord(found.json)) {
      throw new SetupWriteError(`${file}: not a JSON object; fix it first, nothing written`);
    }
    const root = found && isRecord(found.json) ? { ...found.json } : {};
    const plugins = isRecord(root.plugins) ? { ...root.plugins } : {};
    if (root.plugins !== undefined && !isRecord(root.plugins)) {
      throw new SetupWriteError(`${file}: \`plugins\` is not an object; fix it first, nothing written`);
    }
    const entries = isRecord(plugins.entries) ? { ...plugins.entries } : {};
    const old = isRecord(entries[pluginId]) ? entries[pluginId] : {};
    entry = { ...old, enabled: true, config: keepBackup(old.config, config) };
    entries[pluginId] = entry;
    next = { ...root, plugins: { ...plugins, entries } };
  } else {
    next = keepBackup(found?.json, config);
  }
  const plain = `${JSON.stringify(next, null, 2)}\n`;
  if (found === null || found.plainJson) return { found, whole, text: plain, rewritten: false };
  // JSON5 (comments, unquoted keys...): edit the entry in place when that gives exactly `next`.
  const edited = whole ? editPluginEntry(found.text, pluginId, entry, next) : null;
  return edited === null
    ? { found, whole, text: plain, rewritten: true }
    : { found, whole, text: edited, rewritten: false };
}

/**
 * Whether writing `config` into `file` rewrites its JSON5 (comments, trailing commas, unquoted keys) as plain
 * JSON, losing them, because the entry cannot be edited in place: so the wizard can say so before it writes.
 */
export async function rewritesJson5(file: string, config: Record<string, unknown>): Promise<boolean> {
  try {
    return (await plan(file, config)).rewritten;
  } catch {
    return false;
  }
}

export async function writePluginConfig(
  file: string,
  config: Record<string, unknown>,
  now: Date = new Date(),
): Promise<WrittenConfig> {
  const { found, whole, text, rewritten } = await plan(file, config);
  let backup: string | null = null;
  if (found !== null) {
    backup = `${file}.bak-${stamp(now)}`;
    await copyFile(file, backup);
  } else {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  await writeFileDurably(file, text, found?.mode ?? 0o600);
  return { file, backup, form: whole ? "openclaw.json" : "plugin config", rewritten };
}
