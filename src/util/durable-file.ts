/** Writing files so a crash leaves either the old content or the new, never a mix, and never a lost rename. */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { errnoOf } from "./errors.js";

/** A unique hidden temp name beside `file` (same folder, so a rename is atomic). */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
}

/** Flushes a folder's entries (new, renamed or removed names) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems refuse fsync on a folder; the entries are written all the same.
    const code = errnoOf(error);
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "EPERM") throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `text` durably: a unique temp file (created with `mode`), fsync, rename over the
 * target, fsync of the folder. On failure the temp file is removed and the target is untouched.
 */
export async function writeFileDurably(file: string, text: string, mode = 0o600): Promise<void> {
  const temp = tempPathFor(resolve(file));
  let renamed = false;
  try {
    const handle = await open(temp, "wx", mode);
    try {
      await handle.writeFile(text, "utf8");
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    renamed = true;
    await fsyncDir(dirname(resolve(file)));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}
