/**
 * `workspace_backup` (optional: the user opts in with `tools.allow` or `tools.alsoAllow`): list the
 * snapshots; restore one path of one snapshot into a staging folder inside the workspace,
 * `_restored/<snapshot id>/<path>`, never over an existing file. The whole snapshot is restored (and
 * checked against its manifest) into a private folder of the state directory first, then the one path is
 * copied out and the rest removed.
 */
import { randomUUID } from "node:crypto";
import { cp, lstat, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Scope } from "../../runtime/scope.js";
import { errnoOf, messageOf } from "../../util/errors.js";
import { failureLine } from "../../util/text.js";
import { assertConfined, partsOf, under } from "./confined.js";
import { ToolError, type ToolSpec } from "./kit.js";
import { toolNames } from "./names.js";

const name = toolNames.backup;
export const restoredFolder = "_restored";

const params = z
  .object({
    action: z.enum(["list", "restore"]).describe("list the snapshots, or restore one path of one"),
    snapshot: z
      .string()
      .optional()
      .describe("restore: a snapshot id from list (or its unique start), or latest"),
    path: z
      .string()
      .optional()
      .describe(
        "restore: the file or folder as the snapshot names it: workspace/<path in the workspace>, config, ...",
      ),
  })
  .strict();
type Params = z.infer<typeof params>;

/** The backup kit (tar, age, codecs) loads when the tool is called, never at registration. */
async function runtimeOf(scope: Scope) {
  const { readOnlyBackupRuntime } = await import("../../cli/backup-context.js");
  try {
    return await readOnlyBackupRuntime(scope);
  } catch (error) {
    throw new ToolError(`${name}: ${messageOf(error)}`);
  }
}

async function list(scope: Scope) {
  const runtime = await runtimeOf(scope);
  const { readCatalog } = await import("../../backup/catalog.js");
  const read = await readCatalog(runtime.ops);
  if (!read.ok) throw new ToolError(`${name}: listing the snapshots failed: ${failureLine(read.failure)}`);
  const snapshots = read.catalog.snapshots.map((m) => ({
    id: m.id,
    time: m.time,
    files: m.files,
    bytes: m.bytes,
    include: m.include,
  }));
  return {
    summary: snapshots.length === 0 ? "no snapshots yet" : `${snapshots.length} snapshot(s), newest first`,
    snapshots,
  };
}

async function restore(scope: Scope, p: Params) {
  if (p.snapshot === undefined || p.snapshot.trim() === "")
    throw new ToolError(
      `${name}: \`snapshot\` is required for action "restore" (an id from list, or latest)`,
    );
  if (p.path === undefined) throw new ToolError(`${name}: \`path\` is required for action "restore"`);
  const parts = partsOf(name, "path", p.path);
  const runtime = await runtimeOf(scope);
  const { resolveSnapshot, restoreSnapshot } = await import("../../backup/restore.js");
  const found = await resolveSnapshot(runtime, p.snapshot);
  if (!found.ok)
    throw new ToolError(`${name}: \`snapshot\`: ${failureLine(found.failure)}; nothing was restored`);
  const id = found.snapshot.id;
  const target = under(join(scope.workspace, restoredFolder, id), parts);
  await assertConfined(name, "path", scope.workspace, target);
  const shown = [restoredFolder, id, ...parts].join("/");
  if (
    await lstat(target).then(
      () => true,
      () => false,
    )
  )
    throw new ToolError(`${name}: ${shown} exists already; nothing was restored (move it away first)`);
  const scratch = join(scope.stateDir, "restores", `.tool-${randomUUID()}`);
  try {
    const result = await restoreSnapshot(runtime, { snapshot: id, to: scratch });
    if (!result.ok)
      throw new ToolError(`${name}: restore failed: ${failureLine(result.failure)}; nothing was restored`);
    const source = under(scratch, parts);
    await lstat(source).catch((error: unknown) => {
      if (errnoOf(error) !== "ENOENT") throw error;
      const roots =
        found.snapshot.origin === "workspace-sync"
          ? found.snapshot.manifest.include.join(", ")
          : "the original plugin's workspace folder";
      throw new ToolError(
        `${name}: \`path\`: ${p.path} is not in snapshot ${id} (its paths start with ${roots}); nothing was restored`,
      );
    });
    await cp(source, target, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    return {
      summary: `restored ${p.path} from ${id} into ${shown}`,
      snapshot: id,
      path: p.path,
      restoredTo: shown,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export const backupTool: ToolSpec<Params> = {
  name,
  label: "Workspace backups",
  description:
    "The encrypted backups of this workspace and OpenClaw's state. action=list names the snapshots; action=restore copies one path (path) of one snapshot (snapshot) into the workspace folder _restored/<snapshot id>/, never over an existing file.",
  params,
  run: (p, scope) => (p.action === "list" ? list(scope) : restore(scope, p)),
};
