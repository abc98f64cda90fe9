/**
 * Delivering drained files from the staging folder into `_inbox` without ever replacing a file:
 * a hard link (or an exclusive copy where links are not possible) claims the target name
 * atomically; a taken name gets the next free `name (N).ext`. Safe to run again after a crash.
 */
import { constants } from "node:fs";
import { copyFile, link, lstat, mkdir, readdir, rmdir, stat, unlink, utimes } from "node:fs/promises";
import { basename, dirname, extname, join, relative, sep } from "node:path";
import { errnoOf } from "../../util/errors.js";

export interface Delivery {
  /** Path relative to `_inbox` the file now has. */
  to: string;
  /** Path relative to `_outbox` it came with. */
  from: string;
}

/** `report.pdf` → `report (1).pdf`; `a.tar.gz` → `a (1).tar.gz`; `.env` → `.env (1)`. */
export function candidateName(relativePath: string, n: number): string {
  if (n === 0) return relativePath;
  const dir = dirname(relativePath);
  const name = basename(relativePath);
  let ext = extname(name);
  if (ext !== "" && extname(name.slice(0, -ext.length)) === ".tar") ext = `.tar${ext}`;
  const stem = ext === "" || ext === name ? name : name.slice(0, -ext.length);
  const suffix = ext === name ? "" : ext;
  const renamed = `${stem} (${n})${suffix}`;
  return dir === "." ? renamed : join(dir, renamed);
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return out;
    throw error;
  }
  for (const entry of entries) {
    if (entry.isFile() || entry.isSymbolicLink()) {
      out.push(relative(root, join(entry.parentPath, entry.name)));
    }
  }
  return out.sort();
}

const linkUnsupported = new Set(["EPERM", "EXDEV", "ENOTSUP", "EOPNOTSUPP", "EMLINK"]);

/** Claim `target` for `source` without replacing anything: true when claimed, false when taken. */
async function claim(source: string, target: string): Promise<boolean> {
  try {
    await link(source, target);
    return true;
  } catch (error) {
    const code = errnoOf(error) ?? "";
    if (code === "EEXIST") {
      // A crash between link and unlink left the same file in both places: already delivered.
      const [a, b] = await Promise.all([stat(source), stat(target)]);
      return a.ino === b.ino && a.dev === b.dev;
    }
    if (!linkUnsupported.has(code)) throw error;
  }
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL);
    const info = await stat(source);
    await utimes(target, info.atime, info.mtime);
    return true;
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw error;
  }
}

async function removeEmptyDirs(root: string): Promise<void> {
  let entries: import("node:fs").Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      const child = join(root, entry.name);
      await removeEmptyDirs(child);
      await rmdir(child).catch(() => undefined);
    }
  }
}

/** Move every file of `stagingDir` into `inboxDir`, renaming where a name is taken. */
export async function deliverStaged(stagingDir: string, inboxDir: string): Promise<Delivery[]> {
  const deliveries: Delivery[] = [];
  for (const from of await filesUnder(stagingDir)) {
    const source = join(stagingDir, from);
    for (let n = 0; ; n++) {
      const to = candidateName(from, n);
      const target = join(inboxDir, to);
      await mkdir(dirname(target), { recursive: true });
      if ((await lstat(target).catch(() => null))?.isDirectory()) continue;
      if (await claim(source, target)) {
        await unlink(source);
        deliveries.push({ from: from.split(sep).join("/"), to: to.split(sep).join("/") });
        break;
      }
    }
  }
  await removeEmptyDirs(stagingDir);
  return deliveries;
}

/** What a drain would do now (dry run): names as they would land, renames included. */
export async function planDelivery(names: readonly string[], inboxDir: string): Promise<Delivery[]> {
  const taken = new Set<string>();
  const plan: Delivery[] = [];
  for (const from of [...names].sort()) {
    for (let n = 0; ; n++) {
      const to = candidateName(from, n);
      const exists = taken.has(to) || (await lstat(join(inboxDir, to)).catch(() => null)) !== null;
      if (!exists) {
        taken.add(to);
        plan.push({ from, to });
        break;
      }
    }
  }
  return plan;
}
