/**
 * The incremental push's scope: the paths the host's watcher saw change, as an rclone filter file that
 * includes exactly them (a folder with all it holds, a path gone from the workspace both as a file and as a
 * folder, since the remote may hold either) and excludes everything else. rclone reads only the folders on
 * the way to those paths, on both sides; the push's own excludes come first on the command line, so they stay
 * the judge of what is synced.
 */
import { lstat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exactRule } from "./outbox.js";

/** The rules for one changed path, from what it is in the workspace now. */
async function rulesFor(localDir: string, path: string): Promise<string[]> {
  const info = await lstat(join(localDir, path)).catch(() => null);
  const rule = exactRule(path);
  // Gone (the remote may hold a file or a folder), or a symlink (followed with `copySymlinks`, it may be a folder).
  if (info === null || info.isSymbolicLink()) return [`+ ${rule}`, `+ ${rule}/**`];
  return info.isDirectory() ? [`+ ${rule}/**`] : [`+ ${rule}`];
}

/** The filter file's text for `paths` (relative to `localDir`, `/`-separated). */
export async function changedPathsFilter(localDir: string, paths: readonly string[]): Promise<string> {
  const rules: string[] = [];
  for (const path of paths) {
    const clean = path.replace(/^\/+|\/+$/g, "");
    if (clean === "" || clean.split("/").includes("..")) continue;
    rules.push(...(await rulesFor(localDir, clean)));
  }
  return `${[...rules, "- **"].join("\n")}\n`;
}

/** Writes the filter file for `paths` into the tool's folder; returns its path. */
export async function writeChangedPathsFilter(
  toolDir: string,
  localDir: string,
  paths: readonly string[],
): Promise<string> {
  const file = join(toolDir, "push-changes.filter");
  await writeFile(file, await changedPathsFilter(localDir, paths), { mode: 0o600 });
  return file;
}
