/** Creating a file only if it does not exist, with its whole content visible from the first instant. */
import { link, open, unlink } from "node:fs/promises";
import { tempPathFor } from "./durable-file.js";
import { errnoOf } from "./errors.js";

/**
 * Writes `text` to a private temp file, then hard-links it to `path`: the link either fails with
 * EEXIST or makes a complete file appear at once. (An O_EXCL create followed by a write lets a racing
 * reader see an empty file and take a fresh lock for a stale one.) Returns false when `path` exists.
 */
export async function createExclusiveFile(
  path: string,
  text: string,
  options: { sync?: boolean } = {},
): Promise<boolean> {
  const temp = tempPathFor(path);
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    if (options.sync) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if (errnoOf(error) === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
