import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { cleanEnv } from "./env.js";

/** The environment variable that names the rclone binary to use. */
export const rcloneBinaryEnvVar = "WORKSPACE_SYNC_RCLONE";

const installHelp =
  "Install rclone (Debian/Ubuntu: `apt-get install rclone`; macOS: `brew install rclone`; " +
  "others: https://rclone.org/downloads/), or set WORKSPACE_SYNC_RCLONE to its path.";

export class RcloneNotFoundError extends Error {
  override readonly name = "RcloneNotFoundError";
  /** The path that was tried, or undefined when PATH was searched. */
  readonly tried: string | undefined;
  constructor(message: string, tried?: string) {
    super(`${message} ${installHelp}`);
    this.tried = tried;
  }
}

export class RcloneVersionError extends Error {
  override readonly name = "RcloneVersionError";
  /** The command that was run (`rclone version`), when one ran. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

export interface RcloneVersion {
  /** The first line, as printed: `rclone v1.60.1-DEV`. */
  raw: string;
  major: number;
  minor: number;
  patch: number;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where rclone lives: an explicit `binary`, else `$WORKSPACE_SYNC_RCLONE`, else the first `rclone` on PATH.
 * Throws {@link RcloneNotFoundError} with install instructions.
 */
export async function findRclone(opts: { binary?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const explicit = opts.binary ?? env[rcloneBinaryEnvVar];
  if (explicit !== undefined && explicit !== "") {
    const source = opts.binary !== undefined ? "the configured path" : rcloneBinaryEnvVar;
    const resolved = path.resolve(explicit);
    if (await isExecutableFile(resolved)) return resolved;
    throw new RcloneNotFoundError(`rclone not found at ${resolved} (from ${source}).`, resolved);
  }
  const dirs = (env.PATH ?? "").split(path.delimiter).filter((dir) => dir !== "");
  for (const dir of dirs) {
    const candidate = path.resolve(dir, "rclone");
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new RcloneNotFoundError("rclone was not found on PATH.");
}

const versionLine = /^rclone v(\d+)\.(\d+)(?:\.(\d+))?(?:[-+.][0-9A-Za-z.+-]*)?$/;

/** Parses the first line of `rclone version` (`rclone v1.60.1-DEV`, `rclone v1.75.0`). Pure. */
export function parseRcloneVersion(text: string): RcloneVersion {
  const raw = (text.split(/\r?\n/, 1)[0] ?? "").trim();
  const match = versionLine.exec(raw);
  if (match === null) {
    const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
    throw new RcloneVersionError(`Unrecognised rclone version line: "${shown}" (expected "rclone vX.Y.Z").`);
  }
  return {
    raw,
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? "0"),
  };
}

/** True when `version` is at least `major.minor.patch`. */
export function rcloneAtLeast(version: RcloneVersion, major: number, minor: number, patch = 0): boolean {
  if (version.major !== major) return version.major > major;
  if (version.minor !== minor) return version.minor > minor;
  return version.patch >= patch;
}

/** Runs `<binary> version` and parses it. The caller caches the answer (read once per process). */
export async function readRcloneVersion(
  binary: string,
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RcloneVersion> {
  const command = `${binary} version`;
  const result = await execa(binary, ["version"], {
    reject: false,
    extendEnv: false,
    env: cleanEnv(opts.env ?? process.env, {}),
    stdin: "ignore",
    timeout: opts.timeoutMs ?? 15_000,
  });
  if (result.failed) {
    const detail = result.exitCode === undefined ? result.shortMessage : `exit ${result.exitCode}`;
    throw new RcloneVersionError(`Could not read the rclone version (${detail}).`, command);
  }
  try {
    return parseRcloneVersion(result.stdout);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RcloneVersionError(message, command);
  }
}
