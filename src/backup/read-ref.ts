/** Reading a snapshot of either origin back through one entry handler: ours (age, manifest) or the original's. */
import type { EntryHandler } from "./archive/tar-reader.js";
import type { SnapshotRef } from "./catalog.js";
import { readOriginal } from "./original/read.js";
import { type ReadOutcome, readSnapshot } from "./read.js";
import type { BackupRuntime } from "./runtime.js";

export function readRef(
  rt: BackupRuntime,
  ref: SnapshotRef,
  handler?: EntryHandler,
  signal?: AbortSignal,
): Promise<ReadOutcome> {
  const extra = { ...(handler ? { handler } : {}), ...(signal ? { signal } : {}) };
  if (ref.origin === "original") {
    return readOriginal({ ops: rt.ops, snapshot: ref.original, passphrase: rt.keys.passphrase, ...extra });
  }
  return readSnapshot({
    ops: rt.ops,
    manifest: ref.manifest,
    keys: rt.keys,
    zstdBinary: rt.zstdBinary,
    ...extra,
  });
}

/** Entries the manifest records as changed while archived: restored by no one. */
export function leftOutOf(ref: SnapshotRef): string[] {
  return ref.origin === "original" ? [] : ref.manifest.skipped.filter((s) => s.inArchive).map((s) => s.path);
}
