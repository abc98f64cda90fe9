/**
 * `workspace_backup` actions `ls` and `diff`: what a snapshot holds (optionally only what a `path` glob
 * matches), and what changed between two snapshots, so the agent can find the file it lost. The snapshots
 * are streamed and checked (src/backup/browse/); nothing is written. Lists are capped for the model.
 */

import type { Scope } from "../../runtime/scope.js";
import { bytes, failureLine } from "../../util/text.js";
import { capped, forTool, globOf, name, runtimeOf } from "./backup-kit.js";
import { ToolError } from "./kit.js";

export const lsCap = 100;
export const diffCap = 50;

export async function ls(scope: Scope, p: { snapshot?: string | undefined; path?: string | undefined }) {
  const glob = await globOf(p.path);
  const runtime = await runtimeOf(scope);
  const { listEntries } = await import("../../backup/browse/ls.js");
  const result = await listEntries(runtime, { snapshot: p.snapshot, glob });
  if (!result.ok) throw new ToolError(`${name}: ls failed: ${forTool(failureLine(result.failure))}`);
  const { shown, more, note } = capped(result.entries, lsCap);
  const files = result.entries.filter((e) => e.kind === "file");
  const total = files.reduce((n, e) => n + e.size, 0);
  return {
    summary: `snapshot ${result.snapshot.id}: ${result.entries.length} entries${glob ? ` matching ${glob.pattern}` : ""}, ${files.length} files, ${bytes(total)}${note ? `; showing the first ${lsCap}, ${note}` : ""}`,
    snapshot: result.snapshot.id,
    entries: shown.map((e) => ({
      path: e.path,
      kind: e.kind,
      ...(e.kind === "file" ? { bytes: e.size } : {}),
      mtime: e.mtime,
      ...(e.linkpath === undefined ? {} : { linkpath: e.linkpath }),
    })),
    more,
  };
}

export async function diff(
  scope: Scope,
  p: { from?: string | undefined; to?: string | undefined; path?: string | undefined },
) {
  if (p.from === undefined || p.from.trim() === "")
    throw new ToolError(
      `${name}: \`from\` is required for action "diff" (the older snapshot: an id from list, or its unique start); \`to\` defaults to latest`,
    );
  const glob = await globOf(p.path);
  const runtime = await runtimeOf(scope);
  const { diffSnapshots } = await import("../../backup/browse/diff.js");
  const result = await diffSnapshots(runtime, { from: p.from, to: p.to ?? "latest", glob });
  if (!result.ok) throw new ToolError(`${name}: diff failed: ${forTool(failureLine(result.failure))}`);
  const added = capped(result.added, diffCap);
  const removed = capped(result.removed, diffCap);
  const changed = capped(result.changed, diffCap);
  const sized = (e: { path: string; kind: string; size: number }) => ({
    path: e.path,
    kind: e.kind,
    ...(e.kind === "file" ? { bytes: e.size } : {}),
  });
  const notes = [
    added.note && `added: ${added.note}`,
    removed.note && `removed: ${removed.note}`,
    changed.note && `changed: ${changed.note}`,
  ].filter((n) => n !== null);
  return {
    summary: `${result.from.id} → ${result.to.id}: ${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed, ${result.unchanged} unchanged${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
    from: result.from.id,
    to: result.to.id,
    added: added.shown.map(sized),
    removed: removed.shown.map(sized),
    changed: changed.shown.map((e) => ({
      path: e.path,
      kind: e.kind,
      bytesBefore: e.sizeBefore,
      bytesAfter: e.sizeAfter,
      what: e.what,
    })),
    more: { added: added.more, removed: removed.more, changed: changed.more },
    unchanged: result.unchanged,
  };
}
