/**
 * Reading a snapshot back: `rclone cat` → sha256 of the object → age decryption (authenticates) →
 * decompression → sha256 of the archive → the strict tar reader, whose entries go to a handler (verify
 * counts them; restore writes them to staging). The result holds every mismatch with the manifest.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FailureReason } from "../../machines/outcomes.js";
import { messageOf } from "../util/errors.js";
import { type EntryHandler, type TarEntry, TarReader } from "./archive/tar-reader.js";
import { decryptStream, type EncryptionKeys } from "./codec/age.js";
import { decompressStage } from "./codec/compression.js";
import { meter } from "./codec/meter.js";
import type { Manifest } from "./manifest.js";
import type { BackupOps } from "./ops.js";

export interface ReadCounts {
  entries: number;
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of file content read. */
  bytes: number;
}

export type ReadOutcome =
  | { ok: true; counts: ReadCounts }
  | { ok: false; counts: ReadCounts; failure: FailureReason };

export interface ReadOptions {
  ops: BackupOps;
  manifest: Manifest;
  keys: EncryptionKeys;
  zstdBinary: string;
  handler?: EntryHandler;
  signal?: AbortSignal;
}

export function counting(counts: ReadCounts, inner: EntryHandler | undefined): EntryHandler {
  return {
    onEntry(entry: TarEntry) {
      counts.entries++;
      if (entry.kind === "file") counts.files++;
      else if (entry.kind === "dir") counts.dirs++;
      else counts.symlinks++;
      return inner?.onEntry(entry);
    },
    onData(chunk: Buffer) {
      counts.bytes += chunk.length;
      return inner?.onData(chunk);
    },
    onEntryEnd: () => inner?.onEntryEnd(),
  };
}

/** How many entries the manifest says the archive holds. */
export function expectedEntries(manifest: Manifest): number {
  const inArchive = manifest.skipped.filter((s) => s.inArchive).length;
  return manifest.files + manifest.dirs + manifest.symlinks + inArchive;
}

function mismatches(manifest: Manifest, counts: ReadCounts, object: string, archive: string): string[] {
  const problems: string[] = [];
  if (object !== manifest.object.sha256) problems.push("the object's sha256 differs from the manifest's");
  if (archive !== manifest.archive.sha256) problems.push("the archive's sha256 differs from the manifest's");
  if (counts.entries !== expectedEntries(manifest)) {
    problems.push(`the archive lists ${counts.entries} entries, the manifest ${expectedEntries(manifest)}`);
  }
  if (counts.dirs !== manifest.dirs || counts.symlinks !== manifest.symlinks) {
    problems.push("the archive's folders or symlinks differ from the manifest's");
  }
  return problems;
}

export async function readSnapshot(options: ReadOptions): Promise<ReadOutcome> {
  const { ops, manifest } = options;
  const counts: ReadCounts = { entries: 0, files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  const corrupt = (message: string): ReadOutcome => ({
    ok: false,
    counts,
    failure: {
      kind: "fatal",
      message: ops.remote.redact(`snapshot ${manifest.id} is damaged: ${message}`),
      hint: "restore another snapshot (`backup list`); this one cannot be trusted",
    },
  });
  const cat = ops.stream(["cat", ops.path(manifest.object.name)], options.signal);
  const object = meter();
  const archive = meter();
  cat.stdout.pipe(object.stream);
  cat.stdout.once("error", (error) => object.stream.destroy(error));
  let plain: Readable = object.stream;
  if (manifest.encryption !== "none") {
    try {
      plain = await decryptStream(object.stream, options.keys);
    } catch (error) {
      cat.kill();
      const exit = await cat.exit;
      if (exit && !cat.killed()) return { ok: false, counts, failure: exit };
      const message = messageOf(error);
      if (/identit|passphrase|no .*match|incorrect|mac/i.test(message)) {
        return {
          ok: false,
          counts,
          failure: {
            kind: "auth",
            message: `cannot decrypt snapshot ${manifest.id}: the passphrase or identity does not open it`,
            hint: "check `backup.passphrase` (or the identity given with --identity)",
          },
        };
      }
      if (
        /identity|EncryptionConfig/.test(message) ||
        (error instanceof Error && error.name === "EncryptionConfigError")
      ) {
        return { ok: false, counts, failure: { kind: "fatal", message } };
      }
      return corrupt(`its age header cannot be read (${message})`);
    }
  }
  const reader = new TarReader(counting(counts, options.handler));
  let streamError: string | null = null;
  try {
    await pipeline(
      plain,
      decompressStage(manifest.compression.algorithm, options.zstdBinary),
      archive.stream,
      reader,
    );
  } catch (error) {
    streamError = messageOf(error);
    cat.kill();
  }
  const exit = await cat.exit;
  if (options.signal?.aborted) {
    return {
      ok: false,
      counts,
      failure: { kind: "retryable", message: "stopped before the snapshot was read" },
    };
  }
  // rclone's own failure explains a cut stream; a stream that failed by itself is damaged.
  if (exit && !cat.killed()) return { ok: false, counts, failure: exit };
  if (streamError !== null) return corrupt(streamError);
  const problems = mismatches(manifest, counts, object.result().sha256, archive.result().sha256);
  if (problems.length > 0) return corrupt(problems.join("; "));
  return { ok: true, counts };
}

/** A handler that only counts (verify, dry run), optionally naming each entry. */
export function listingHandler(onEntry?: (entry: TarEntry) => void): EntryHandler {
  return { onEntry: (entry) => onEntry?.(entry), onData: () => undefined, onEntryEnd: () => undefined };
}
