/**
 * `backup ls`: the entries of one snapshot (either origin), optionally only those a PATH-GLOB matches.
 * The snapshot is streamed and checked as `verify` does (nothing is written); its manifest holds no
 * per-file list, so the stream is the listing.
 */
import type { EntryKind } from "../archive/walk.js";
import type { SnapshotRef } from "../catalog.js";
import { listingHandler } from "../read.js";
import { readRef } from "../read-ref.js";
import { type Outcome, resolveSnapshot } from "../restore.js";
import type { BackupRuntime } from "../runtime.js";
import { FilteredHandler } from "./filter.js";
import type { PathGlob } from "./glob.js";

export interface BrowseEntry {
  path: string;
  kind: EntryKind;
  size: number;
  mode: number;
  /** ISO 8601. */
  mtime: string;
  linkpath?: string;
}

export interface Listing {
  snapshot: SnapshotRef;
  entries: BrowseEntry[];
}

export async function listEntries(
  rt: BackupRuntime,
  request: { snapshot?: string | undefined; glob?: PathGlob | null },
  signal?: AbortSignal,
): Promise<Outcome<Listing>> {
  const found = await resolveSnapshot(rt, request.snapshot, signal);
  if (!found.ok) return found;
  const { snapshot } = found;
  const entries: BrowseEntry[] = [];
  const filter = new FilteredHandler(
    request.glob ?? null,
    listingHandler((e) =>
      entries.push({
        path: e.path,
        kind: e.kind,
        size: e.size,
        mode: e.mode,
        mtime: e.mtime.toISOString(),
        ...(e.linkpath === undefined ? {} : { linkpath: e.linkpath }),
      }),
    ),
  );
  const read = await readRef(rt, snapshot, filter, signal);
  if (!read.ok) return { ok: false, failure: read.failure, snapshot };
  if (request.glob && filter.matched === 0) {
    return { ok: false, failure: { kind: "fatal", ...filter.noMatch(snapshot.id) }, snapshot };
  }
  return { ok: true, snapshot, entries };
}
