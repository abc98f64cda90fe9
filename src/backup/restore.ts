/**
 * `backup verify` and `backup restore`. Verify reads a snapshot back whole and compares it with its
 * manifest. Restore writes into a staging folder beside the target and moves it into place only when the
 * whole stream authenticated and matched the manifest; an existing non-empty target is never overwritten
 * without `force` (and then it is moved aside, not deleted). A dry run lists what would be restored.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { FailureReason } from "../../machines/outcomes.js";
import { errnoOf, messageOf } from "../util/errors.js";
import type { TarEntry } from "./archive/tar-reader.js";
import { findSnapshot, readCatalog } from "./catalog.js";
import type { Manifest } from "./manifest.js";
import { listingHandler, type ReadCounts, readSnapshot } from "./read.js";
import { StagingWriter } from "./restore-writer.js";
import type { BackupRuntime } from "./runtime.js";

export type Outcome<T> = ({ ok: true } & T) | { ok: false; failure: FailureReason; manifest?: Manifest };

const fatal = (message: string, hint?: string): { ok: false; failure: FailureReason } => ({
  ok: false,
  failure: { kind: "fatal", message, ...(hint ? { hint } : {}) },
});

export async function resolveSnapshot(
  rt: BackupRuntime,
  wanted: string | undefined,
  signal?: AbortSignal,
): Promise<Outcome<{ manifest: Manifest }>> {
  const read = await readCatalog(rt.ops, signal);
  if (!read.ok) return read;
  const found = findSnapshot(read.catalog, wanted);
  if (typeof found === "string") return fatal(found);
  return { ok: true, manifest: found };
}

export async function verifySnapshot(
  rt: BackupRuntime,
  wanted: string | undefined,
  signal?: AbortSignal,
): Promise<Outcome<{ manifest: Manifest; counts: ReadCounts }>> {
  const found = await resolveSnapshot(rt, wanted, signal);
  if (!found.ok) return found;
  const read = await readSnapshot({ ...readOptions(rt, found.manifest), ...(signal ? { signal } : {}) });
  if (!read.ok) return { ok: false, failure: read.failure, manifest: found.manifest };
  return { ok: true, manifest: found.manifest, counts: read.counts };
}

function readOptions(rt: BackupRuntime, manifest: Manifest) {
  return { ops: rt.ops, manifest, keys: rt.keys, zstdBinary: rt.zstdBinary };
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    const code = errnoOf(error);
    if (code === "ENOENT") return true;
    if (code === "ENOTDIR") return false;
    throw error;
  }
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
  manifest: Manifest;
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
  if (!request.dryRun && !request.force && !(await isEmptyOrMissing(target))) {
    return fatal(
      `${target} exists and is not empty`,
      "choose another --to, or pass --force to move it aside",
    );
  }
  const found = await resolveSnapshot(rt, request.snapshot, signal);
  if (!found.ok) return found;
  const { manifest } = found;
  const leaveOut = manifest.skipped.filter((s) => s.inArchive).map((s) => s.path);
  const base = { manifest, target, movedAside: null, dryRun: request.dryRun === true };
  if (request.dryRun) {
    const read = await readSnapshot({
      ...readOptions(rt, manifest),
      handler: listingHandler(request.onEntry),
      ...(signal ? { signal } : {}),
    });
    if (!read.ok) return { ok: false, failure: read.failure, manifest };
    return {
      ok: true,
      ...base,
      counts: read.counts,
      restored: read.counts.entries - leaveOut.length,
      leftOut: leaveOut,
    };
  }
  const staging = join(dirname(target), `.${basename(target)}.restoring-${randomBytes(4).toString("hex")}`);
  const writer = new StagingWriter(staging, leaveOut, request.keepSpecialBits === true);
  try {
    await mkdir(staging, { recursive: false, mode: 0o700 });
  } catch (error) {
    await mkdir(dirname(target), { recursive: true });
    try {
      await mkdir(staging, { mode: 0o700 });
    } catch {
      return fatal(`cannot make the staging folder ${staging}: ${messageOf(error)}`);
    }
  }
  const discard = async () => {
    await writer.abort();
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
  };
  const read = await readSnapshot({
    ...readOptions(rt, manifest),
    handler: writer,
    ...(signal ? { signal } : {}),
  });
  if (!read.ok) {
    await discard();
    return { ok: false, failure: read.failure, manifest };
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
      movedAside = `${target}.replaced-${new Date(rt.now()).toISOString().replace(/[-:.]/g, "")}`;
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
