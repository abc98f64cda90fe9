/**
 * What the `workspace_backup` actions share: the read-only backup runtime (loaded when the tool is called,
 * never at registration), the `path` glob refused by name, and lists capped for the model.
 */
import type { PathGlob } from "../../backup/browse/glob.js";
import type { BackupRuntime } from "../../backup/runtime.js";
import type { Scope } from "../../runtime/scope.js";
import { messageOf } from "../../util/errors.js";
import { ToolError } from "./kit.js";
import { toolNames } from "./names.js";

export const name = toolNames.backup;
export const restoredFolder = "_restored";

/** The backup kit (tar, age, codecs) loads when the tool is called, never at registration. */
export async function runtimeOf(scope: Scope): Promise<BackupRuntime> {
  const { readOnlyBackupRuntime } = await import("../../cli/backup-context.js");
  try {
    return await readOnlyBackupRuntime(scope);
  } catch (error) {
    throw new ToolError(`${name}: ${messageOf(error)}`);
  }
}

/** `path` as a glob of the snapshot's paths; a bad one is refused naming `path` and what is allowed. */
export async function globOf(raw: string | undefined): Promise<PathGlob | null> {
  if (raw === undefined) return null;
  const { pathGlob, PathGlobError } = await import("../../backup/browse/glob.js");
  try {
    return pathGlob(raw);
  } catch (error) {
    if (error instanceof PathGlobError) throw new ToolError(`${name}: ${forTool(error.message)}`);
    throw error;
  }
}

/** The backup functions speak to the CLI (`--path`, `backup ls`, `--identity`); the model knows the tool's words. */
export const forTool = (line: string) =>
  line
    .replaceAll("--path", "`path`")
    .replace(/see `backup ls ([^`]*)`/, 'see action "ls" with snapshot $1')
    .replace(/see `backup (ls|list)`/, 'see action "$1"')
    .replace(" (or the identity given with --identity)", " or `backup.identityFile`");

/** The first `cap` items, and a line saying how many more there are (null when none). */
export function capped<T>(
  items: readonly T[],
  cap: number,
): { shown: T[]; more: number; note: string | null } {
  const more = Math.max(0, items.length - cap);
  return {
    shown: items.slice(0, cap),
    more,
    note: more > 0 ? `and ${more} more (narrow \`path\` to see them)` : null,
  };
}
