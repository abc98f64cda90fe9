/**
 * After the upload: check the partial object's size and hash on the remote against what was streamed,
 * then publish: move it to its final name and write the manifest last (itself through a partial name),
 * so a snapshot exists only once all of it is in place.
 */
import { Readable } from "node:stream";
import type { FailureReason } from "../../machines/outcomes.js";
import { encodeManifest, type Manifest, manifestName, partialSuffix } from "./manifest.js";
import type { BackupOps } from "./ops.js";

type Outcome = { ok: true; hashChecked: boolean } | { ok: false; failure: FailureReason };

interface StatLine {
  Size: number;
  IsDir: boolean;
  Hashes?: Record<string, string>;
}

export async function checkUpload(
  ops: BackupOps,
  partial: string,
  manifest: Manifest,
  signal?: AbortSignal,
): Promise<Outcome> {
  const stat = await ops.run(["lsjson", "--stat", "--hash-type", "md5", ops.path(partial)], signal);
  if (!stat.ok) return stat;
  // cast: `rclone lsjson --stat` prints one such object; a missing field reads as undefined and is checked
  const info = JSON.parse(stat.stdout || "{}") as StatLine;
  const mismatch = (message: string): Outcome => ({
    ok: false,
    failure: {
      kind: "retryable",
      message: `the uploaded ${partial} ${message}; it was not published`,
      hint: "the next backup tries again; check the remote's free space and health if this repeats",
    },
  });
  // S3 answers a missing key with Size -1 and IsDir true.
  if (info.IsDir || info.Size < 0) return mismatch("is not on the remote");
  if (info.Size !== manifest.object.bytes) {
    return mismatch(`has ${info.Size} bytes, ${manifest.object.bytes} were sent`);
  }
  const md5 = info.Hashes?.md5 ?? info.Hashes?.MD5;
  if (md5 && manifest.object.md5 && md5 !== manifest.object.md5) return mismatch("has another md5 than sent");
  return { ok: true, hashChecked: Boolean(md5) };
}

export async function publishSnapshot(
  ops: BackupOps,
  partial: string,
  manifest: Manifest,
  signal?: AbortSignal,
): Promise<{ ok: true } | { ok: false; failure: FailureReason }> {
  const moved = await ops.run(["moveto", ops.path(partial), ops.path(manifest.object.name)], signal);
  if (!moved.ok) return moved;
  const name = manifestName(manifest.id);
  const written = await ops.run(
    ["rcat", ops.path(`${name}${partialSuffix}`)],
    signal,
    Readable.from([Buffer.from(encodeManifest(manifest))]),
  );
  if (!written.ok) return written;
  const published = await ops.run(["moveto", ops.path(`${name}${partialSuffix}`), ops.path(name)], signal);
  if (!published.ok) return published;
  return { ok: true };
}
