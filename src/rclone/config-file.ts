import { readFile, stat } from "node:fs/promises";
import { writeFileDurably } from "../util/durable-file.js";
import { errnoOf, messageOf } from "../util/errors.js";
import { tokenExpiry } from "./oauth-token.js";
import { hasControlChar, remoteNamePattern } from "./remote.js";

/** remote name → option → value, as in rclone's INI config file. */
export type RcloneRemotes = Record<string, Record<string, string>>;

export class RcloneConfigValueError extends Error {
  override readonly name = "RcloneConfigValueError";
  readonly remote: string;
  readonly key: string | undefined;
  constructor(remote: string, key: string | undefined, problem: string) {
    const where = key === undefined ? `remote ${JSON.stringify(remote)}` : `${remote}.${key}`;
    super(`Refusing rclone config ${where}: ${problem}`);
    this.remote = remote;
    this.key = key;
  }
}

export class RcloneConfigParseError extends Error {
  override readonly name = "RcloneConfigParseError";
}

const optionKeyPattern = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

/** rclone's INI reader trims values and strips `"""..."""` and backquotes: quote whatever it would change. */
function renderValue(value: string): string {
  const needsQuotes =
    value !== value.trim() || value.startsWith("`") || value.startsWith('"') || /[=:]/.test(value);
  return needsQuotes ? `\`${value}\`` : value;
}

function checkRemote(name: string, options: Record<string, string>): void {
  if (hasControlChar(name)) throw new RcloneConfigValueError(name, undefined, "control character in name");
  if (/[[\]]/.test(name)) throw new RcloneConfigValueError(name, undefined, "'[' or ']' in name");
  if (!remoteNamePattern.test(name) || name.endsWith(" ")) {
    throw new RcloneConfigValueError(name, undefined, "not a valid remote name");
  }
  for (const [key, value] of Object.entries(options)) {
    if (hasControlChar(key) || !optionKeyPattern.test(key)) {
      throw new RcloneConfigValueError(name, key, "not a valid option name");
    }
    if (typeof value !== "string") throw new RcloneConfigValueError(name, key, "value is not a string");
    if (/[\r\n]/.test(value)) throw new RcloneConfigValueError(name, key, "newline in value");
    if (hasControlChar(value)) throw new RcloneConfigValueError(name, key, "control character in value");
  }
}

/** Renders remotes as rclone's INI text, after checking every name, key and value. */
export function renderRcloneConfig(remotes: RcloneRemotes): string {
  const sections: string[] = [];
  for (const [name, options] of Object.entries(remotes)) {
    checkRemote(name, options);
    const lines = [`[${name}]`];
    for (const [key, value] of Object.entries(options)) lines.push(`${key} = ${renderValue(value)}`);
    sections.push(`${lines.join("\n")}\n`);
  }
  return sections.join("\n");
}

/**
 * Writes an rclone config file atomically: a unique temp file (mode 0600) in the same folder, fsync,
 * rename over the target, fsync the folder. Throws {@link RcloneConfigValueError} before touching disk
 * when a name, key or value could break the INI format.
 */
export async function writeRcloneConfig(file: string, remotes: RcloneRemotes): Promise<void> {
  const text = renderRcloneConfig(remotes);
  if (await holds(file, text)) return;
  await writeFileDurably(file, text, 0o600);
}

function unquote(text: string): string {
  for (const quote of ['"""', "`"]) {
    if (text.length >= quote.length * 2 && text.startsWith(quote)) {
      const close = text.lastIndexOf(quote);
      if (close >= quote.length) return text.slice(quote.length, close);
    }
  }
  return text;
}

/** The file already has exactly this text and mode 0600: no write (and no fsync) needed. */
async function holds(file: string, text: string): Promise<boolean> {
  try {
    const [current, info] = await Promise.all([readFile(file, "utf8"), stat(file)]);
    return current === text && (info.mode & 0o777) === 0o600;
  } catch {
    return false;
  }
}

/** Parses rclone's INI config text the way rclone reads it. Encrypted configs are refused. */
export function parseRcloneConfig(text: string): RcloneRemotes {
  const remotes: RcloneRemotes = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.replace(/^\uFEFF/, "").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("RCLONE_ENCRYPT_V0:"))
      throw new RcloneConfigParseError("The rclone config is encrypted");
    if (line.startsWith("[") && line.endsWith("]")) {
      const name = line.slice(1, -1).trim();
      current = remotes[name] ?? {};
      remotes[name] = current;
      continue;
    }
    const split = line.search(/[=:]/);
    if (current === undefined || split <= 0) {
      throw new RcloneConfigParseError(`Cannot parse rclone config line: ${line.slice(0, 60)}`);
    }
    current[unquote(line.slice(0, split).trim())] = unquote(line.slice(split + 1).trim());
  }
  return remotes;
}

/** Reads an rclone config file back (for tests, and to keep a token rclone refreshed in place). */
export async function readRcloneConfig(file: string): Promise<RcloneRemotes> {
  return parseRcloneConfig(await readFile(file, "utf8"));
}

/** The remotes in `file`; none when it does not exist. Throws {@link RcloneConfigParseError} naming the file. */
export async function readRcloneConfigIfAny(file: string): Promise<RcloneRemotes> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return {};
    throw error;
  }
  try {
    return parseRcloneConfig(text);
  } catch (error) {
    throw new RcloneConfigParseError(
      `${file}: ${messageOf(error)}; move it away and run the command again (re-authorize OAuth remotes)`,
    );
  }
}

/**
 * The section to write for a remote: `next` (from the config), keeping what the file already holds
 * for the same backend (same `type` and `client_id`) when it is newer or the config does not give it:
 * - `token`: the file's token wins when its expiry is later (rclone refreshed it there), or when the
 *   config gives none and `token` is among `stored`;
 * - any other `stored` option the config leaves out (for example OneDrive's `drive_id` from authorize).
 */
export function mergeRemoteSection(
  previous: Readonly<Record<string, string>> | undefined,
  next: Readonly<Record<string, string>>,
  stored: readonly string[] = [],
): Record<string, string> {
  const merged = { ...next };
  if (!previous || previous.type !== next.type || (previous.client_id ?? "") !== (next.client_id ?? "")) {
    return merged;
  }
  for (const key of stored) {
    const kept = previous[key];
    if (merged[key] === undefined && kept !== undefined) merged[key] = kept;
  }
  const keptToken = previous.token;
  if (
    keptToken !== undefined &&
    next.token !== undefined &&
    tokenExpiry(keptToken) > tokenExpiry(next.token)
  ) {
    merged.token = keptToken;
  }
  return merged;
}
