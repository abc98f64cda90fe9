/**
 * `workspace_backup` (optional: the user opts in with `tools.allow` or `tools.alsoAllow`): list the
 * snapshots; `ls` what one holds and `diff` two, so the agent can find a lost file; `restore` the entries
 * a path or glob matches, streamed out of the snapshot into `_restored/<snapshot id>/` in the workspace,
 * never over an existing file (backup-restore.ts). The backup kit loads when the tool is called.
 */
import { z } from "zod";
import type { Scope } from "../../runtime/scope.js";
import { failureLine } from "../../util/text.js";
import { diff, ls } from "./backup-browse.js";
import { name, runtimeOf } from "./backup-kit.js";
import { restore } from "./backup-restore.js";
import { ToolError, type ToolSpec } from "./kit.js";

export { restoredFolder } from "./backup-kit.js";

const params = z
  .object({
    action: z
      .enum(["list", "ls", "diff", "restore"])
      .describe(
        "list the snapshots; ls what one holds; diff two (what was added, removed, changed); restore the entries path matches",
      ),
    snapshot: z
      .string()
      .optional()
      .describe("ls (default latest), restore: a snapshot id from list (or its unique start), or latest"),
    path: z
      .string()
      .optional()
      .describe(
        "ls, diff (optional), restore: a path or glob as the snapshot names it: workspace/notes/plan.md, workspace/notes/**, *.md (a name at any depth); a folder brings its content",
      ),
    from: z.string().optional().describe("diff: the older snapshot (an id from list, or its unique start)"),
    to: z.string().optional().describe("diff: the newer snapshot (default latest)"),
  })
  .strict();
type Params = z.infer<typeof params>;

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

function run(p: Params, scope: Scope): Promise<object> {
  switch (p.action) {
    case "list":
      return list(scope);
    case "ls":
      return ls(scope, p);
    case "diff":
      return diff(scope, p);
    case "restore":
      return restore(scope, p);
  }
}

export const backupTool: ToolSpec<Params> = {
  name,
  label: "Workspace backups",
  description:
    "The encrypted backups of this workspace and OpenClaw's state. action=list names the snapshots; action=ls lists what one snapshot holds (path: an optional glob); action=diff shows what was added, removed or changed from one snapshot (from) to another (to, default latest); action=restore brings the entries a path or glob (path) of one snapshot (snapshot) matches into the workspace folder _restored/<snapshot id>/, never over an existing file.",
  params,
  run: (p, scope) => run(p, scope),
};
