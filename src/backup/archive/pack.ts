/**
 * The tar stream of a walk, read so that every file is archived consistently or recorded as skipped:
 * a small file is read whole and kept only when its size, mtime and ctime did not move while it was read
 * (tried three times); a large file is streamed under the size its header declared, and if it shrank,
 * grew or was touched meanwhile it is recorded as skipped-in-archive, so restore leaves it out.
 * Small files are read a few at a time ahead of the writer.
 */
import { constants, type Stats } from "node:fs";
import { chmod, type FileHandle, open, readlink, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { errnoOf, messageOf } from "../../util/errors.js";
import { looksLikeSqlite, type SqliteSupport } from "./sqlite.js";
import { endOfArchive, headerFor, paddingFor } from "./tar-header.js";
import type { Skipped, WalkEntry } from "./walk.js";

/** Files up to this size are read whole, ahead of the writer. */
export const smallFileLimit = 1024 * 1024;
const readAhead = 16;
const chunkSize = 1024 * 1024;

export interface ArchiveTotals {
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of file content archived consistently. */
  bytes: number;
}

export const emptyTotals = (): ArchiveTotals => ({ files: 0, dirs: 0, symlinks: 0, bytes: 0 });

type Prepared =
  | { entry: WalkEntry; as: "dir" }
  | { entry: WalkEntry; as: "symlink"; linkpath: string }
  | { entry: WalkEntry; as: "small"; data: Buffer; stats: Stats }
  | { entry: WalkEntry; as: "large" }
  | { entry: WalkEntry; as: "database"; copy: WalkEntry; mechanism: string }
  | { entry: WalkEntry; as: "skip"; reason: string };

/** How databases are captured: the mechanism (or why there is none) and a private scratch folder. */
export interface DatabaseCapture {
  support: SqliteSupport;
  scratchDir: string;
}

export interface CapturedDatabase {
  path: string;
  bytes: number;
  mechanism: string;
}

export interface PackOptions {
  /** Without it, databases are archived as the files they are (tests of the plain path only). */
  databases?: DatabaseCapture;
  /** Each database captured, as it is archived. */
  onDatabase?: (captured: CapturedDatabase) => void;
}

function unchanged(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs && a.ino === b.ino;
}

function reasonOf(error: unknown): string {
  const code = errnoOf(error);
  if (code === "ENOENT") return "vanished while being archived";
  if (code === "ELOOP") return "became a symlink while being archived";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return messageOf(error);
}

async function openFile(abs: string): Promise<FileHandle> {
  return open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
}

/** Reads into `buffer` from `position` until it is full or the file ends; returns the bytes read. */
async function readInto(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** A consistent copy of the database at `entry.abs`, in the scratch folder, with the original's mode and mtime. */
async function captureDatabase(entry: WalkEntry, capture: DatabaseCapture, index: number): Promise<Prepared> {
  if (!capture.support.ok) return { entry, as: "skip", reason: capture.support.reason };
  const { capturer } = capture.support;
  const target = join(capture.scratchDir, `${index}.sqlite`);
  try {
    await capturer.capture(entry.abs, target);
    await chmod(target, entry.stats.mode & 0o7777);
    await utimes(target, entry.stats.atime, entry.stats.mtime);
    const stats = await stat(target);
    return { entry, as: "database", copy: { ...entry, abs: target, stats }, mechanism: capturer.mechanism };
  } catch (error) {
    await rm(target, { force: true }).catch(() => undefined);
    return {
      entry,
      as: "skip",
      reason: `the SQLite database could not be captured (${capturer.mechanism}): ${messageOf(error)}`,
    };
  }
}

async function prepareFile(
  entry: WalkEntry,
  capture: DatabaseCapture | undefined,
  index: number,
): Promise<Prepared> {
  if (capture && entry.stats.size >= 512) {
    // Every SQLite database is at least one page; its first bytes say what it is.
    let handle: FileHandle;
    try {
      handle = await openFile(entry.abs);
    } catch (error) {
      return { entry, as: "skip", reason: reasonOf(error) };
    }
    try {
      if (await looksLikeSqlite(handle)) return captureDatabase(entry, capture, index);
    } catch (error) {
      return { entry, as: "skip", reason: reasonOf(error) };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  if (entry.stats.size > smallFileLimit) return { entry, as: "large" };
  for (let attempt = 0; attempt < 3; attempt++) {
    let handle: FileHandle;
    try {
      handle = await openFile(entry.abs);
    } catch (error) {
      return { entry, as: "skip", reason: reasonOf(error) };
    }
    try {
      const before = await handle.stat();
      if (!before.isFile()) return { entry, as: "skip", reason: "changed type while being archived" };
      if (before.size > smallFileLimit) return { entry, as: "large" };
      // One byte more than expected tells a file that grew meanwhile.
      const buffer = Buffer.allocUnsafe(before.size + 1);
      const read = await readInto(handle, buffer, 0);
      const after = await handle.stat();
      if (read === before.size && unchanged(before, after)) {
        return { entry, as: "small", data: buffer.subarray(0, read), stats: after };
      }
    } catch (error) {
      return { entry, as: "skip", reason: reasonOf(error) };
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  return { entry, as: "skip", reason: "kept changing while being read" };
}

async function prepare(entry: WalkEntry, options: PackOptions, index: number): Promise<Prepared> {
  if (entry.kind === "dir") return { entry, as: "dir" };
  if (entry.kind === "symlink") {
    try {
      return { entry, as: "symlink", linkpath: await readlink(entry.abs) };
    } catch (error) {
      return { entry, as: "skip", reason: reasonOf(error) };
    }
  }
  return prepareFile(entry, options.databases, index);
}

/** Streams a large file under the size its header declares; reports it when the copy is not consistent. */
async function* streamLarge(
  entry: WalkEntry,
  totals: ArchiveTotals,
  onSkip: (s: Skipped) => void,
): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  let before: Stats;
  try {
    handle = await openFile(entry.abs);
    before = await handle.stat();
  } catch (error) {
    onSkip({ path: entry.path, reason: reasonOf(error) });
    return;
  }
  let consistent = true;
  try {
    if (!before.isFile()) {
      onSkip({ path: entry.path, reason: "changed type while being archived" });
      return;
    }
    const size = before.size;
    yield headerFor(entry.path, "file", before, size);
    let position = 0;
    while (position < size) {
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, size - position));
      let read = 0;
      try {
        read = await readInto(handle, chunk, position);
      } catch {
        consistent = false;
      }
      if (read > 0) yield read === chunk.length ? chunk : chunk.subarray(0, read);
      position += read;
      if (read < chunk.length) break;
    }
    if (position < size) {
      consistent = false;
      yield Buffer.alloc(size - position);
    }
    yield paddingFor(size);
    const after = await handle.stat().catch(() => null);
    if (after === null || !unchanged(before, after)) consistent = false;
    if (consistent) {
      totals.files++;
      totals.bytes += size;
    } else {
      onSkip({ path: entry.path, reason: "changed while being read", inArchive: true });
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The archive's bytes; `totals` and `onSkip` learn what went in as it goes. */
export async function* packEntries(
  entries: AsyncIterable<WalkEntry>,
  totals: ArchiveTotals,
  onSkip: (skipped: Skipped) => void,
  options: PackOptions = {},
): AsyncGenerator<Buffer> {
  const window: Promise<Prepared>[] = [];
  let index = 0;
  const emit = async function* (prepared: Prepared): AsyncGenerator<Buffer> {
    const { entry } = prepared;
    switch (prepared.as) {
      case "skip":
        onSkip({ path: entry.path, reason: prepared.reason });
        return;
      case "dir":
        totals.dirs++;
        yield headerFor(entry.path, "dir", entry.stats, 0);
        return;
      case "symlink":
        totals.symlinks++;
        yield headerFor(entry.path, "symlink", entry.stats, 0, prepared.linkpath);
        return;
      case "small":
        totals.files++;
        totals.bytes += prepared.data.length;
        yield Buffer.concat([
          headerFor(entry.path, "file", prepared.stats, prepared.data.length),
          prepared.data,
          paddingFor(prepared.data.length),
        ]);
        return;
      case "large":
        yield* streamLarge(entry, totals, onSkip);
        return;
      case "database":
        // The copy is private and still: streamed as a large file, then removed.
        try {
          yield* streamLarge(prepared.copy, totals, onSkip);
          options.onDatabase?.({
            path: entry.path,
            bytes: prepared.copy.stats.size,
            mechanism: prepared.mechanism,
          });
        } finally {
          await rm(prepared.copy.abs, { force: true }).catch(() => undefined);
        }
    }
  };
  for await (const entry of entries) {
    window.push(prepare(entry, options, index++));
    while (window.length >= readAhead) {
      const next = window.shift();
      if (next) yield* emit(await next);
    }
  }
  for (const next of window) yield* emit(await next);
  yield endOfArchive;
}
