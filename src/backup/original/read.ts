/**
 * Reading one of the original plugin's snapshots back: `rclone cat` → OpenSSL decryption (openssl.ts) when
 * it is `.enc` → gunzip → the tar reader, whose entries go to a handler. It has no manifest: what can be
 * checked is the decryption (its first bytes and final padding), gzip's CRC and length, and a whole tar
 * stream with its end marker.
 */
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import type { FailureReason } from "../../../machines/outcomes.js";
import { messageOf } from "../../util/errors.js";
import { type EntryHandler, TarReader } from "../archive/tar-reader.js";
import type { BackupOps } from "../ops.js";
import { counting, type ReadCounts, type ReadOutcome } from "../read.js";
import { OpensslDecrypt, WrongPassphraseError } from "./openssl.js";
import type { OriginalSnapshot } from "./snapshots.js";

export interface OriginalReadOptions {
  ops: BackupOps;
  snapshot: OriginalSnapshot;
  passphrase: string | undefined;
  handler?: EntryHandler;
  signal?: AbortSignal;
}

/** The one line for a wrong or missing passphrase (exported for the age path's wording to match). */
export function passphraseFailure(id: string, missing: boolean): FailureReason {
  return missing
    ? {
        kind: "auth",
        message: `snapshot ${id} (from the original plugin) is encrypted and no passphrase is set`,
        hint: "set `backup.passphrase` to the passphrase the original plugin used",
      }
    : {
        kind: "auth",
        message: `cannot decrypt snapshot ${id}: the passphrase does not open it`,
        hint: "check `backup.passphrase` (the original plugin's passphrase)",
      };
}

export async function readOriginal(options: OriginalReadOptions): Promise<ReadOutcome> {
  const { ops, snapshot } = options;
  const counts: ReadCounts = { entries: 0, files: 0, dirs: 0, symlinks: 0, bytes: 0 };
  if (snapshot.encrypted && !options.passphrase) {
    return { ok: false, counts, failure: passphraseFailure(snapshot.id, true) };
  }
  const cat = ops.stream(["cat", ops.path(snapshot.name)], options.signal);
  cat.stdout.once("error", () => undefined);
  const decrypt =
    options.passphrase && snapshot.encrypted ? new OpensslDecrypt(options.passphrase) : new PassThrough();
  let streamError: unknown = null;
  try {
    await pipeline(
      cat.stdout,
      decrypt,
      zlib.createGunzip({ chunkSize: 256 * 1024 }),
      new TarReader(counting(counts, options.handler)),
    );
  } catch (error) {
    streamError = error;
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
  if (exit && !cat.killed()) return { ok: false, counts, failure: exit };
  if (streamError instanceof WrongPassphraseError) {
    return { ok: false, counts, failure: passphraseFailure(snapshot.id, false) };
  }
  if (streamError !== null) {
    return {
      ok: false,
      counts,
      failure: {
        kind: "fatal",
        message: ops.remote.redact(
          `snapshot ${snapshot.id} (from the original plugin) is damaged: ${messageOf(streamError)}`,
        ),
        hint: "restore another snapshot (`backup list`); this one cannot be trusted",
      },
    };
  }
  return { ok: true, counts };
}
