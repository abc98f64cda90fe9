/**
 * Writes archive entries into a fresh staging folder, refusing anything that could land outside it:
 * absolute paths, `..`, names outside the include items, duplicates, and any entry below a symlink
 * the archive made. Files are created exclusively (never over something), modes and times set after
 * the content; folders get theirs last, deepest first.
 */
import { constants } from "node:fs";
import { chmod, type FileHandle, lutimes, mkdir, open, symlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { backupIncludeItems } from "../config/backup.js";
import { isOneOf } from "../util/json.js";
import type { EntryHandler, TarEntry } from "./archive/tar-reader.js";

export class UnsafeEntryError extends Error {
  override readonly name = "UnsafeEntryError";
}

/**
 * The entry's path as segments, or an error saying why it is refused. `anyTopLevel`: the original plugin's
 * archives, whose top-level names are the sources' own (`openclaw.json`, the workspace folder's name).
 */
export function safeSegments(path: string, anyTopLevel = false): string[] {
  if (path === "" || path.startsWith("/") || path.includes("\0") || path.includes("\\")) {
    throw new UnsafeEntryError(`refused entry ${JSON.stringify(path)}: not a plain relative path`);
  }
  const segments = path.split("/");
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new UnsafeEntryError(`refused entry ${JSON.stringify(path)}: it would escape the target`);
  }
  if (!anyTopLevel && !isOneOf(backupIncludeItems, segments[0] ?? "")) {
    throw new UnsafeEntryError(`refused entry ${JSON.stringify(path)}: not under an include item`);
  }
  return segments;
}

export class StagingWriter implements EntryHandler {
  readonly #root: string;
  readonly #leaveOut: ReadonlySet<string>;
  readonly #modeMask: number;
  readonly #anyTopLevel: boolean;
  #rootMade = false;
  readonly #seen = new Set<string>();
  readonly #symlinks = new Set<string>();
  readonly #dirs: { abs: string; mode: number; mtime: Date }[] = [];
  #file: { handle: FileHandle; entry: TarEntry } | null = null;
  #sinking = false;
  restored = 0;
  leftOut: string[] = [];

  /**
   * `leaveOut`: entries the manifest records as changed while archived (not restored). The root folder is
   * made with the first entry (or by `finish`): a stream that fails before any entry writes nothing.
   */
  constructor(
    root: string,
    leaveOut: Iterable<string> = [],
    options: { anyTopLevel?: boolean; keepSpecialBits?: boolean } = {},
  ) {
    this.#root = root;
    this.#leaveOut = new Set(leaveOut);
    this.#anyTopLevel = options.anyTopLevel === true;
    // setuid and setgid are dropped unless asked for: a restore never makes a set-id program by itself.
    this.#modeMask = options.keepSpecialBits === true ? 0o7777 : 0o1777;
  }

  get root(): string {
    return this.#root;
  }

  async #makeRoot(): Promise<void> {
    if (this.#rootMade) return;
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    this.#rootMade = true;
  }

  async onEntry(entry: TarEntry): Promise<void> {
    const segments = safeSegments(entry.path, this.#anyTopLevel);
    if (this.#seen.has(entry.path))
      throw new UnsafeEntryError(`refused entry ${entry.path}: it appears twice`);
    this.#seen.add(entry.path);
    for (let i = 1; i < segments.length; i++) {
      if (this.#symlinks.has(segments.slice(0, i).join("/"))) {
        throw new UnsafeEntryError(`refused entry ${entry.path}: it lies below a symlink`);
      }
    }
    if (this.#leaveOut.has(entry.path)) {
      this.leftOut.push(entry.path);
      this.#sinking = true;
      return;
    }
    const abs = join(this.#root, ...segments);
    await this.#makeRoot();
    await mkdir(join(this.#root, ...segments.slice(0, -1)), { recursive: true, mode: 0o700 });
    this.restored++;
    if (entry.kind === "dir") {
      await mkdir(abs, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
      this.#dirs.push({ abs, mode: entry.mode, mtime: entry.mtime });
    } else if (entry.kind === "symlink") {
      await symlink(entry.linkpath ?? "", abs);
      this.#symlinks.add(entry.path);
      await lutimes(abs, entry.mtime, entry.mtime).catch(() => undefined);
    } else {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
      this.#file = { handle: await open(abs, flags, 0o600), entry };
    }
  }

  async onData(chunk: Buffer): Promise<void> {
    if (this.#sinking) return;
    if (!this.#file) throw new UnsafeEntryError("data outside a file entry");
    let written = 0;
    while (written < chunk.length) {
      const { bytesWritten } = await this.#file.handle.write(chunk, written, chunk.length - written);
      written += bytesWritten;
    }
  }

  async onEntryEnd(): Promise<void> {
    this.#sinking = false;
    const file = this.#file;
    if (!file) return;
    this.#file = null;
    try {
      await file.handle.chmod(file.entry.mode & this.#modeMask);
      await file.handle.utimes(file.entry.mtime, file.entry.mtime);
    } finally {
      await file.handle.close();
    }
  }

  /** Folder modes and times, deepest first (a read-only folder is closed only after its content). */
  async finish(): Promise<void> {
    await this.#makeRoot();
    const dirs = [...this.#dirs].sort((a, b) => b.abs.length - a.abs.length);
    for (const dir of dirs) {
      await chmod(dir.abs, dir.mode & this.#modeMask);
      await utimes(dir.abs, dir.mtime, dir.mtime);
    }
  }

  /** Closes a file left open by a failed stream. */
  async abort(): Promise<void> {
    await this.#file?.handle.close().catch(() => undefined);
    this.#file = null;
  }
}
