/**
 * `workspace_backup` action `restore`: the entries of one snapshot a `path` (a path or a glob, as the
 * snapshot names it) matches, streamed out of the snapshot (`restorePaths`: only the matching entries are
 * written, and only once the whole stream authenticated and checked out) into a staging folder inside
 * `_restored/`, then moved into `_restored/<snapshot id>/`, never over anything: every path is checked
 * free first (one taken path refuses the whole restore, nothing written), and each file is claimed with a
 * hard link (EEXIST if something appeared meanwhile). Confined: no symlink on the way out of the workspace.
 */
import { randomUUID } from "node:crypto";
import { link, lstat, mkdir, readdir, rename, rm, rmdir, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Scope } from "../../runtime/scope.js";
import { errnoOf } from "../../util/errors.js";
import { failureLine } from "../../util/text.js";
import { capped, forTool, globOf, name, restoredFolder, runtimeOf } from "./backup-kit.js";
import { assertConfined } from "./confined.js";
import { ToolError } from "./kit.js";

export const restoreCap = 100;

const exists = (path: string) =>
  lstat(path).then(
    (info) => info,
    (error: unknown) => {
      if (errnoOf(error) === "ENOENT") return null;
      throw error;
    },
  );

/** Paths (relative) of `staging` that would land on something already in `dest`; folders merge into folders. */
async function taken(staging: string, dest: string, rel = ""): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(join(staging, rel), { withFileTypes: true })).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    const there = await exists(join(dest, path));
    if (there === null) continue;
    if (entry.isDirectory() && there.isDirectory()) found.push(...(await taken(staging, dest, path)));
    else found.push(path);
  }
  return found;
}

/** Moves everything of `staging` into `dest`, never replacing: folders are made or joined, files linked. */
async function moveIn(staging: string, dest: string, shownDest: string, rel = ""): Promise<void> {
  await mkdir(join(dest, rel), { recursive: true });
  for (const entry of await readdir(join(staging, rel), { withFileTypes: true })) {
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    if (entry.isDirectory()) {
      await moveIn(staging, dest, shownDest, path);
      continue;
    }
    try {
      await link(join(staging, path), join(dest, path));
    } catch (error) {
      if (errnoOf(error) !== "EEXIST") throw error;
      throw new ToolError(
        `${name}: ${shownDest}/${path} appeared while restoring; it was left as it is (move it away and restore again)`,
      );
    }
    await unlink(join(staging, path));
  }
}

export async function restore(scope: Scope, p: { snapshot?: string | undefined; path?: string | undefined }) {
  if (p.snapshot === undefined || p.snapshot.trim() === "")
    throw new ToolError(
      `${name}: \`snapshot\` is required for action "restore" (an id from list, or latest)`,
    );
  if (p.path === undefined)
    throw new ToolError(
      `${name}: \`path\` is required for action "restore" (a path or glob as the snapshot names it, such as workspace/notes/plan.md; see action "ls")`,
    );
  const glob = await globOf(p.path);
  if (glob === null) throw new ToolError(`${name}: \`path\` is required for action "restore"`);
  const runtime = await runtimeOf(scope);
  const { resolveSnapshot } = await import("../../backup/restore.js");
  const found = await resolveSnapshot(runtime, p.snapshot);
  if (!found.ok)
    throw new ToolError(
      `${name}: \`snapshot\`: ${forTool(failureLine(found.failure))}; nothing was restored`,
    );
  const id = found.snapshot.id;
  const folder = join(scope.workspace, restoredFolder);
  const dest = join(folder, id);
  const shownDest = `${restoredFolder}/${id}`;
  await assertConfined(name, "path", scope.workspace, dest);
  const staging = join(folder, `.tool-${randomUUID()}`);
  const hadFolder = (await exists(folder)) !== null;
  try {
    const { restorePaths } = await import("../../backup/browse/restore-paths.js");
    const listed: string[] = [];
    const result = await restorePaths(runtime, {
      snapshot: id,
      glob,
      to: staging,
      onEntry: (path) => listed.push(path),
    });
    if (!result.ok)
      throw new ToolError(
        `${name}: restore failed: ${forTool(failureLine(result.failure))}; nothing was restored`,
      );
    const clash = await taken(staging, dest);
    if (clash.length > 0) {
      const { shown, note } = capped(clash, 5);
      throw new ToolError(
        `${name}: ${shown.map((c) => `${shownDest}/${c}`).join(", ")}${note ? ` ${note.replace(/ \(.*\)$/, "")}` : ""} exist${clash.length === 1 ? "s" : ""} already; nothing was restored (move ${clash.length === 1 ? "it" : "them"} away first)`,
      );
    }
    if ((await exists(dest)) === null) await rename(staging, dest);
    else await moveIn(staging, dest, shownDest);
    const entries = capped(listed, restoreCap);
    return {
      summary: `restored ${result.restored} entries of ${id} matching ${glob.pattern} into ${shownDest}/${entries.note ? `; listing the first ${restoreCap}, ${entries.note.replace(/ \(.*\)$/, "")}` : ""}${result.leftOut.length > 0 ? `; left out (changed while archived): ${result.leftOut.join(", ")}` : ""}`,
      snapshot: id,
      path: p.path,
      restoredTo: shownDest,
      restored: result.restored,
      entries: entries.shown,
      more: entries.more,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
    // A refused first restore leaves no empty `_restored/` behind (rmdir removes only an empty folder).
    if (!hadFolder) await rmdir(folder).catch(() => undefined);
  }
}
