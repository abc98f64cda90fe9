/**
 * `backup diff A B`: what changed from snapshot A to snapshot B (either origin): paths added, removed, and
 * changed (content, kind, link target or mode), with sizes. A manifest carries counts and hashes but no
 * per-file list (it stays one small line, so `backup list` reads every manifest in one call), so each
 * snapshot is streamed once and indexed: path → kind, size, mode, sha256 of the content. Nothing is written.
 */
import { createHash, type Hash } from "node:crypto";
import type { EntryKind } from "../archive/walk.js";
import type { SnapshotRef } from "../catalog.js";
import { readRef } from "../read-ref.js";
import { type Outcome, resolveSnapshot } from "../restore.js";
import type { BackupRuntime } from "../runtime.js";
import { FilteredHandler } from "./filter.js";
import type { PathGlob } from "./glob.js";

interface Indexed {
  kind: EntryKind;
  size: number;
  mode: number;
  sha256?: string;
  linkpath?: string;
}

export interface DiffEntry {
  path: string;
  kind: EntryKind;
  size: number;
}

export interface ChangedEntry {
  path: string;
  kind: EntryKind;
  sizeBefore: number;
  sizeAfter: number;
  /** What differs: content, kind, target (symlinks), mode. */
  what: string[];
}

export interface SnapshotDiff {
  from: SnapshotRef;
  to: SnapshotRef;
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: ChangedEntry[];
  unchanged: number;
}

async function indexOf(
  rt: BackupRuntime,
  snapshot: SnapshotRef,
  glob: PathGlob | null,
  signal?: AbortSignal,
): Promise<Outcome<{ index: Map<string, Indexed> }>> {
  const index = new Map<string, Indexed>();
  let current: { path: string; entry: Indexed; hash: Hash | null } | null = null;
  const handler = new FilteredHandler(glob, {
    onEntry: (e) => {
      const entry: Indexed = {
        kind: e.kind,
        size: e.size,
        mode: e.mode,
        ...(e.linkpath ? { linkpath: e.linkpath } : {}),
      };
      current = { path: e.path, entry, hash: e.kind === "file" ? createHash("sha256") : null };
    },
    onData: (chunk) => void current?.hash?.update(chunk),
    onEntryEnd: () => {
      if (current === null) return;
      if (current.hash) current.entry.sha256 = current.hash.digest("hex");
      index.set(current.path, current.entry);
      current = null;
    },
  });
  const read = await readRef(rt, snapshot, handler, signal);
  if (!read.ok) return { ok: false, failure: read.failure, snapshot };
  return { ok: true, index };
}

function differences(a: Indexed, b: Indexed): string[] {
  if (a.kind !== b.kind) return ["kind"];
  const what: string[] = [];
  if (a.kind === "file" && (a.size !== b.size || a.sha256 !== b.sha256)) what.push("content");
  if (a.kind === "symlink" && a.linkpath !== b.linkpath) what.push("target");
  if (a.kind !== "symlink" && a.mode !== b.mode) what.push("mode");
  return what;
}

export async function diffSnapshots(
  rt: BackupRuntime,
  request: { from: string; to: string; glob?: PathGlob | null },
  signal?: AbortSignal,
): Promise<Outcome<SnapshotDiff>> {
  const from = await resolveSnapshot(rt, request.from, signal);
  if (!from.ok) return from;
  const to = await resolveSnapshot(rt, request.to, signal);
  if (!to.ok) return to;
  const glob = request.glob ?? null;
  const before = await indexOf(rt, from.snapshot, glob, signal);
  if (!before.ok) return before;
  const after = await indexOf(rt, to.snapshot, glob, signal);
  if (!after.ok) return after;
  const diff: SnapshotDiff = {
    from: from.snapshot,
    to: to.snapshot,
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
  };
  for (const [path, b] of after.index) {
    const a = before.index.get(path);
    if (!a) diff.added.push({ path, kind: b.kind, size: b.size });
    else {
      const what = differences(a, b);
      if (what.length === 0) diff.unchanged++;
      else diff.changed.push({ path, kind: b.kind, sizeBefore: a.size, sizeAfter: b.size, what });
    }
  }
  for (const [path, a] of before.index) {
    if (!after.index.has(path)) diff.removed.push({ path, kind: a.kind, size: a.size });
  }
  for (const list of [diff.added, diff.removed, diff.changed])
    list.sort((x, y) => x.path.localeCompare(y.path));
  return { ok: true, ...diff };
}
