/**
 * Walks the include set, depth first in name order, never following a symlink below a root.
 * Yields what goes into the archive; what cannot (sockets, devices, unreadable folders, excluded paths
 * of the tool's own) is reported as skipped instead.
 */
import type { Stats } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { errnoOf, messageOf } from "../../util/errors.js";
import type { ExcludeMatcher } from "./exclude.js";
import { isWithin, type Source } from "./sources.js";
import { sidecarOf } from "./sqlite.js";

export type EntryKind = "dir" | "file" | "symlink";

export interface WalkEntry {
  /** Path in the archive, `/`-separated, no leading `/` (a folder without its trailing `/`). */
  path: string;
  abs: string;
  kind: EntryKind;
  stats: Stats;
}

export interface Skipped {
  path: string;
  reason: string;
  /** True when the entry is in the archive but must not be restored (it changed while being read). */
  inArchive?: boolean;
}

export interface WalkOptions {
  exclude: ExcludeMatcher;
  /** Absolute folders never archived (the tool's own state, a local backup target inside a source). */
  excludeAbsolute: readonly string[];
  onSkip: (skipped: Skipped) => void;
}

function kindOf(stats: Stats): EntryKind | null {
  if (stats.isDirectory()) return "dir";
  if (stats.isFile()) return "file";
  if (stats.isSymbolicLink()) return "symlink";
  return null;
}

function reasonOf(error: unknown): string {
  const code = errnoOf(error);
  if (code === "ENOENT") return "vanished while being archived";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return messageOf(error);
}

export async function* walkSources(
  sources: readonly Source[],
  options: WalkOptions,
): AsyncGenerator<WalkEntry> {
  for (const source of sources) {
    let rootStats: Stats;
    try {
      rootStats = await stat(source.path);
    } catch (error) {
      options.onSkip({ path: source.archiveRoot, reason: reasonOf(error) });
      continue;
    }
    if (source.kind === "file") {
      yield { path: source.archiveRoot, abs: source.path, kind: "file", stats: rootStats };
      continue;
    }
    yield* walkDir(source.path, source.archiveRoot, "", rootStats, options);
  }
}

async function* walkDir(
  abs: string,
  archivePath: string,
  relative: string,
  stats: Stats,
  options: WalkOptions,
): AsyncGenerator<WalkEntry> {
  let names: string[];
  try {
    names = (await readdir(abs)).sort();
  } catch (error) {
    options.onSkip({ path: archivePath, reason: reasonOf(error) });
    return;
  }
  yield { path: archivePath, abs, kind: "dir", stats };
  const siblings = new Set(names);
  for (const name of names) {
    // A database's `-wal`/`-shm`/`-journal` is archived only through the database's consistent copy.
    if (sidecarOf(name, siblings) !== null) continue;
    const childAbs = join(abs, name);
    const childPath = `${archivePath}/${name}`;
    const childRelative = relative === "" ? name : `${relative}/${name}`;
    if (options.exclude.excludes(childRelative, childPath)) continue;
    if (options.excludeAbsolute.some((folder) => isWithin(childAbs, folder))) continue;
    let childStats: Stats;
    try {
      childStats = await lstat(childAbs);
    } catch (error) {
      options.onSkip({ path: childPath, reason: reasonOf(error) });
      continue;
    }
    const kind = kindOf(childStats);
    if (kind === null) {
      options.onSkip({ path: childPath, reason: "not a regular file, folder or symlink" });
    } else if (kind === "dir") {
      yield* walkDir(childAbs, childPath, childRelative, childStats, options);
    } else {
      yield { path: childPath, abs: childAbs, kind, stats: childStats };
    }
  }
}
