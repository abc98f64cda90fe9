/**
 * Small file-system helpers shared by the durable log and the state-directory lock.
 * Every function names the file it failed on.
 */
import { rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { messageOf as describeError } from "../util/errors.js";

/** True when `error` is a Node system error with the given code (ENOENT, EEXIST, ...). */
export function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/** Removes a file; a file that is already gone is not an error. Returns whether it removed one. */
export async function removeIfExists(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return false;
    throw new Error(`could not remove ${file}: ${describeError(error)}`, { cause: error });
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (hasErrorCode(error, "ENOENT")) return false;
    throw error;
  }
}

/** A timestamp safe in file names: `2026-11-21T09-21-00-000Z`. */
export function fileStamp(at: Date): string {
  return at.toISOString().replace(/[:.]/g, "-");
}

/**
 * Renames `file` to `<file>.corrupt-<timestamp>` (adding `-1`, `-2`, ... if that name is taken) and
 * returns the new path. The caller fsyncs the folder.
 */
export async function moveAside(file: string, at: Date): Promise<string> {
  const base = `${file}.corrupt-${fileStamp(at)}`;
  let target = base;
  for (let n = 1; await exists(target); n++) target = `${base}-${n}`;
  try {
    await rename(file, target);
  } catch (error) {
    throw new Error(`could not move ${file} aside to ${path.basename(target)}: ${describeError(error)}`, {
      cause: error,
    });
  }
  return target;
}
