/**
 * `backup verify` and `backup restore`, for snapshots of either origin. Verify reads a snapshot back whole
 * (and compares ours with its manifest). Restore writes into a staging folder beside the target, made only
 * when the first entry arrives (a wrong passphrase writes nothing), and moves it into place only when the
 * whole stream authenticated and checked out; an existing non-empty target is never overwritten without
 * `force` (and then it is moved aside, not deleted). A dry run lists what would be restored.
 */
import { rename, rm, rmdir } from "node:fs/promises";
import { resolve } from "node:path";
import type { FailureReason } from "../../machines/outcomes.js";
import { messageOf } from "../util/errors.js";
import type { TarEntry } from "./archive/tar-reader.js";
import { findSnapshot, readCatalog, type SnapshotRef } from "./catalog.js";
import { listingHandler, type ReadCounts } from "./read.js";
import { leftOutOf, readRef } from "./read-ref.js";
import { StagingWriter } from "./restore-writer.js";
import type { BackupRuntime } from "./runtime.js";
import { isEmptyOrMissing, nonEmptyTarget, replacedFor, stagingFor } from "./target.js";

export type Outcome<T> = ({ ok: true } & T) | { ok: false; failure: FailureReason; snapshot?: SnapshotRef };

const fatal = (message: string, hint?: string): { ok: false; failure: FailureReason } => ({
  ok: false,
  failure: { kind: "fatal", message, ...(hint ? { hint } : {}) },
});

export async function resolveSnapshot(
  rt: BackupRuntime,
  wanted: string | undefined,
  signal?: AbortSignal,
): Promise<Outcome<{ snapshot: SnapshotRef }>> {
  const read = await readCatalog(rt.ops, signal);
  if (!read.ok) return read;
  const found = findSnapshot(read.catalog, wanted);
  if (typeof found === "string") return fatal(found);
  return { ok: true, snapshot: found };
}

export async function verifySnapshot(
  rt: BackupRuntime,
  wanted: string | undefined,
  signal?: AbortSignal,
): Promise<Outcome<{ snapshot: SnapshotRef; counts: ReadCounts }>> {
  const found = await resolveSnapshot(rt, wanted, signal);
  if (!found.ok) return found;
  const read = await readRef(rt, found.snapshot, undefined, signal);
  if (!read.ok) return { ok: false, failure: read.failure, snapshot: found.snapshot };
  return { ok: true, snapshot: found.snapshot, counts: read.counts };
}

export interface RestoreRequest {
  snapshot?: string;
  to: string;
  dryRun?: boolean;
  force?: boolean;
  /** Keep setuid and setgid bits as archived (dropped by default). */
  keepSpecialBits?: boolean;
  /** Each entry of a dry run, as it is read. */
  onEntry?: (entry: TarEntry) => void;
}

export interface Restored {
  snapshot: SnapshotRef;
  target: string;
  counts: ReadCounts;
  restored: number;
  /** Entries left out because they changed while being archived. */
  leftOut: string[];
  /** Where an existing target was moved (with `force`). */
  movedAside: string | null;
  dryRun: boolean;
}

export async function restoreSnapshot(
  rt: BackupRuntime,
  request: RestoreRequest,
  signal?: AbortSignal,
): Promise<Outcome<Restored>> {
  const target = resolve(request.to);
  if (!request.dryRun && !request.force && !(await isEmptyOrMissing(target))) return nonEmptyTarget(target);
  const found = await resolveSnapshot(rt, request.snapshot, signal);
  if (!found.ok) return found;
  const { snapshot } = found;
  const leaveOut = leftOutOf(snapshot);
  const base = { snapshot, target, movedAside: null, dryRun: request.dryRun === true };
  if (request.dryRun) {
    const read = await readRef(rt, snapshot, listingHandler(request.onEntry), signal);
    if (!read.ok) return { ok: false, failure: read.failure, snapshot };
    return {
      ok: true,
      ...base,
      counts: read.counts,
      restored: read.counts.entries - leaveOut.length,
      leftOut: leaveOut,
    };
  }
  const staging = stagingFor(target);
  const writer = new StagingWriter(staging, leaveOut, {
    anyTopLevel: snapshot.origin === "original",
    keepSpecialBits: request.keepSpecialBits === true,
  });
  const discard = async () => {
    await writer.abort();
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  };
  const read = await readRef(rt, snapshot, writer, signal);
  if (!read.ok) {
    await discard();
    return { ok: false, failure: read.failure, snapshot };
  }
  try {
    await writer.finish();
    let movedAside: string | null = null;
    if (!(await isEmptyOrMissing(target))) {
      if (!request.force) {
        await discard();
        return fatal(
          `${target} was filled while restoring; nothing was changed`,
          "restore again with another --to",
        );
      }
      movedAside = replacedFor(target, rt.now());
      await rename(target, movedAside);
    } else {
      await rmdir(target).catch(() => undefined);
    }
    await rename(staging, target);
    return {
      ok: true,
      ...base,
      movedAside,
      counts: read.counts,
      restored: writer.restored,
      leftOut: writer.leftOut,
    };
  } catch (error) {
    await discard();
    return fatal(`cannot move the restored files into ${target}: ${messageOf(error)}`);
  }
}
