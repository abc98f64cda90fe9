/**
 * `backup restore --path GLOB`: one file (or the entries a glob matches) back from a snapshot. The snapshot
 * is streamed (`rclone cat` → decrypt → decompress → tar reader) and only the matching entries are written,
 * into a staging folder beside the target made with the first of them; nothing reaches the target unless
 * the whole stream authenticated and checked out. Into a missing or empty target the staging folder is
 * moved whole. Into a non-empty one only with `force`, and then entry by entry: what would be replaced is
 * first moved into `<target>.replaced-<time>/` under the same path; the rest of the target stays.
 */
import { lstat, mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { messageOf } from "../../util/errors.js";
import type { SnapshotRef } from "../catalog.js";
import { listingHandler, type ReadCounts } from "../read.js";
import { leftOutOf, readRef } from "../read-ref.js";
import { type Outcome, resolveSnapshot } from "../restore.js";
import { StagingWriter } from "../restore-writer.js";
import type { BackupRuntime } from "../runtime.js";
import { isEmptyOrMissing, nonEmptyTarget, replacedFor, stagingFor } from "../target.js";
import { FilteredHandler } from "./filter.js";
import type { PathGlob } from "./glob.js";

export interface PathRestoreRequest {
  snapshot?: string | undefined;
  glob: PathGlob;
  to: string;
  force?: boolean;
  dryRun?: boolean;
  /** Each matching entry, as it is read. */
  onEntry?: (path: string) => void;
}

export interface PathsRestored {
  snapshot: SnapshotRef;
  target: string;
  /** Entries written (or, in a dry run, that would be). */
  restored: number;
  leftOut: string[];
  /** The sibling folder holding what was replaced (force into a non-empty target), else null. */
  replacedIn: string | null;
  /** Paths (relative to the target) moved into `replacedIn`. */
  replaced: string[];
  counts: ReadCounts;
  dryRun: boolean;
}

const fail = (message: string, snapshot: SnapshotRef, hint?: string) => ({
  ok: false as const,
  failure: { kind: "fatal" as const, message, ...(hint ? { hint } : {}) },
  snapshot,
});

export async function restorePaths(
  rt: BackupRuntime,
  request: PathRestoreRequest,
  signal?: AbortSignal,
): Promise<Outcome<PathsRestored>> {
  const target = resolve(request.to);
  const empty = await isEmptyOrMissing(target);
  if (!request.dryRun && !request.force && !empty) return nonEmptyTarget(target);
  const found = await resolveSnapshot(rt, request.snapshot, signal);
  if (!found.ok) return found;
  const { snapshot } = found;
  const base = { snapshot, target, dryRun: request.dryRun === true, replacedIn: null, replaced: [] };
  if (request.dryRun) {
    const filter = new FilteredHandler(
      request.glob,
      listingHandler((e) => request.onEntry?.(e.path)),
    );
    const read = await readRef(rt, snapshot, filter, signal);
    if (!read.ok) return { ok: false, failure: read.failure, snapshot };
    if (filter.matched === 0) {
      const { message, hint } = filter.noMatch(snapshot.id);
      return fail(message, snapshot, hint);
    }
    return { ok: true, ...base, restored: filter.matched, leftOut: [], counts: read.counts };
  }
  const staging = stagingFor(target);
  const writer = new StagingWriter(staging, leftOutOf(snapshot), {
    anyTopLevel: snapshot.origin === "original",
  });
  const filter = new FilteredHandler(request.glob, {
    onEntry: (e) => {
      request.onEntry?.(e.path);
      return writer.onEntry(e);
    },
    onData: (chunk) => writer.onData(chunk),
    onEntryEnd: () => writer.onEntryEnd(),
  });
  const discard = async () => {
    await writer.abort();
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  };
  const read = await readRef(rt, snapshot, filter, signal);
  if (!read.ok) {
    await discard();
    return { ok: false, failure: read.failure, snapshot };
  }
  if (filter.matched === 0) {
    await discard();
    const { message, hint } = filter.noMatch(snapshot.id);
    return fail(message, snapshot, hint);
  }
  try {
    await writer.finish();
    const done = { ...base, restored: writer.restored, leftOut: writer.leftOut, counts: read.counts };
    if (await isEmptyOrMissing(target)) {
      await rmdir(target).catch(() => undefined);
      await mkdir(dirname(target), { recursive: true });
      await rename(staging, target);
      return { ok: true, ...done };
    }
    if (!request.force) {
      await discard();
      return fail(
        `${target} was filled while restoring; nothing was changed`,
        snapshot,
        "restore again with another --to",
      );
    }
    const replacedIn = replacedFor(target, rt.now());
    const replaced = await mergeInto(staging, target, replacedIn);
    await rm(staging, { recursive: true, force: true });
    return { ok: true, ...done, replacedIn: replaced.length > 0 ? replacedIn : null, replaced };
  } catch (error) {
    await discard();
    return fail(`cannot move the restored files into ${target}: ${messageOf(error)}`, snapshot);
  }
}

/**
 * Moves every entry of `staging` into `target`, into folders that are already there as folders; whatever
 * stands where an entry goes (a file, a symlink, a folder where a file goes) is moved first to the same
 * path under `replacedIn`. Symlinks in the target are never followed: one where a folder goes is replaced.
 */
async function mergeInto(staging: string, target: string, replacedIn: string): Promise<string[]> {
  const replaced: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(staging, rel))).sort()) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const from = join(staging, path);
      const to = join(target, path);
      const [source, existing] = await Promise.all([lstat(from), lstat(to).catch(() => null)]);
      if (source.isDirectory() && existing?.isDirectory()) {
        await walk(path);
        continue;
      }
      if (existing) {
        const aside = join(replacedIn, path);
        await mkdir(dirname(aside), { recursive: true, mode: 0o700 });
        await rename(to, aside);
        replaced.push(path);
      }
      await rename(from, to);
    }
  };
  await walk("");
  return replaced;
}
