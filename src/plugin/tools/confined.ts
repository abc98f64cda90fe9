/**
 * Paths an agent names, confined to a folder: relative, no `..`, no absolute path, and no symlink on the
 * way out (every existing part is resolved and must stay inside). Moves never replace anything: the
 * destination is claimed by a hard link (EEXIST if it is taken), and only then is the source removed.
 */
import { constants } from "node:fs";
import { copyFile, link, lstat, mkdir, realpath, unlink } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { errnoOf } from "../../util/errors.js";
import { ToolError } from "./kit.js";

/** `name` as path parts, refused (naming `key`) when it is absolute, empty, or climbs out with `..`. */
export function partsOf(tool: string, key: string, name: string): string[] {
  const parts = name.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
  if (isAbsolute(name) || parts.length === 0 || parts.includes("..") || name.includes("\0"))
    throw new ToolError(
      `${tool}: \`${key}\` must be a relative path inside the workspace, without \`..\` (got "${name}")`,
    );
  return parts;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/** The deepest existing ancestor of `path` (or `path`), resolved, must stay inside `root` (resolved). */
export async function assertConfined(tool: string, key: string, root: string, path: string): Promise<void> {
  const realRoot = await realpath(root);
  let probe = path;
  for (;;) {
    try {
      const real = await realpath(probe);
      if (!inside(realRoot, real))
        throw new ToolError(`${tool}: \`${key}\` leads out of ${root} through a symlink; nothing was moved`);
      return;
    } catch (error) {
      if (error instanceof ToolError) throw error;
      if (errnoOf(error) !== "ENOENT") throw error;
      const parent = dirname(probe);
      if (parent === probe) return;
      probe = parent;
    }
  }
}

/** A regular file (not a symlink, not a folder) at `path`; the refusal names `key`. */
export async function assertRegularFile(tool: string, key: string, path: string, shown: string) {
  const info = await lstat(path).catch((error: unknown) => {
    if (errnoOf(error) === "ENOENT") throw new ToolError(`${tool}: \`${key}\`: there is no ${shown}`);
    throw error;
  });
  if (!info.isFile())
    throw new ToolError(
      `${tool}: \`${key}\`: ${shown} is ${info.isSymbolicLink() ? "a symlink" : "not a file"}`,
    );
  return info;
}

/** Moves `from` to `to`, never replacing: a taken `to` is refused and `from` stays where it was. */
export async function moveNoReplace(tool: string, from: string, to: string, shown: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EEXIST")
      throw new ToolError(`${tool}: ${shown} exists already; nothing was moved (pick another name)`);
    if (code !== "EXDEV" && code !== "EPERM") throw error;
    try {
      await copyFile(from, to, constants.COPYFILE_EXCL);
    } catch (copyError) {
      if (errnoOf(copyError) === "EEXIST")
        throw new ToolError(`${tool}: ${shown} exists already; nothing was moved (pick another name)`);
      throw copyError;
    }
  }
  await unlink(from);
}

export function under(root: string, parts: readonly string[]): string {
  return join(root, ...parts);
}
