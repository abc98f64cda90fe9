/**
 * One snapshot, streamed end to end with no copy on local disk: archive → compress → encrypt →
 * `rclone rcat` to `<object>.partial`. Every stage's end is checked: a stage that fails stops rclone and
 * removes the partial object (rclone would publish a truncated stream with exit 0). What comes back is
 * the manifest to publish once the upload is checked.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FailureReason } from "../../machines/outcomes.js";
import type { RcloneProgress } from "../rclone/progress.js";
import { messageOf } from "../util/errors.js";
import { excludeMatcher } from "./archive/exclude.js";
import { type ArchiveTotals, type CapturedDatabase, emptyTotals, packEntries } from "./archive/pack.js";
import { resolveSources } from "./archive/sources.js";
import { sqliteSupport } from "./archive/sqlite.js";
import { type Skipped, walkSources } from "./archive/walk.js";
import { encryptStage } from "./codec/age.js";
import { compressStage } from "./codec/compression.js";
import { meter } from "./codec/meter.js";
import {
  type Manifest,
  manifestFormat,
  objectName,
  partialSuffix,
  skippedListLimit,
  timeWithOffset,
} from "./manifest.js";
import type { BackupRuntime } from "./runtime.js";

/** The tool's own folder in a workspace: the cycle lock and the drain's staging. Never archived. */
const ownFolder = ".workspace-sync";

export type CreateResult =
  | { ok: true; manifest: Manifest; partial: string }
  | { ok: false; failure: FailureReason; partial: string };

const streamChunk = 1024 * 1024;

/**
 * `rclone rcat`'s statistics as a backup's progress: the bytes sent so far and their speed (the object's
 * size is unknown until the stream ends: no total, no ETA), and the files archived so far.
 */
export function streamProgress(stats: RcloneProgress, totals: ArchiveTotals): RcloneProgress {
  return {
    ...stats,
    totalBytes: 0,
    transfers: totals.files,
    totalTransfers: 0,
    etaSeconds: null,
    transferring: [],
  };
}

export async function createSnapshot(
  rt: BackupRuntime,
  input: { id: string; startedAt: number },
  signal: AbortSignal,
): Promise<CreateResult> {
  // Databases are copied with SQLite's backup API into a private folder (0700), removed at the end.
  const scratchDir = await mkdtemp(join(rt.scratchRoot ?? tmpdir(), "workspace-sync-db-"));
  try {
    return await streamSnapshot(rt, input, signal, scratchDir);
  } finally {
    await rm(scratchDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

async function streamSnapshot(
  rt: BackupRuntime,
  input: { id: string; startedAt: number },
  signal: AbortSignal,
  scratchDir: string,
): Promise<CreateResult> {
  const encrypted = rt.encryption !== "none";
  const name = objectName(input.id, rt.compression.algorithm, encrypted);
  const partial = `${name}${partialSuffix}`;
  const fail = (message: string, kind: FailureReason["kind"] = "fatal", hint?: string): CreateResult => ({
    ok: false,
    partial,
    failure: { kind, message: rt.ops.remote.redact(message), ...(hint ? { hint } : {}) },
  });

  const { sources, notes } = await resolveSources(rt.config.include, rt.roots);
  if (sources.length === 0) {
    return fail(
      `nothing to back up: ${notes.map((n) => `${n.item} (${n.path}) ${n.note}`).join("; ")}`,
      "not-found",
      "check `backup.include` and the workspace and OpenClaw state paths",
    );
  }
  const totals = emptyTotals();
  const skipped: Skipped[] = [];
  const walk = walkSources(sources, {
    exclude: excludeMatcher([`/${ownFolder}`, ...(rt.config.exclude ?? [])]),
    excludeAbsolute: rt.excludeAbsolute,
    onSkip: (s) => skipped.push(s),
  });
  let encryption: Awaited<ReturnType<typeof encryptStage>> | null = null;
  try {
    if (rt.encryption !== "none") encryption = await encryptStage(rt.encryption, rt.keys);
  } catch (error) {
    return fail(`cannot set up encryption: ${messageOf(error)}`);
  }

  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener("abort", stop, { once: true });
  const databases: CapturedDatabase[] = [];
  const support = await sqliteSupport(rt.sqlite3Binary ? { sqlite3Binary: rt.sqlite3Binary } : {});
  const archive = Readable.from(
    packEntries(walk, totals, (s) => skipped.push(s), {
      databases: { support, scratchDir },
      onDatabase: (d) => databases.push({ ...d, path: rt.ops.remote.redact(d.path) }),
    }),
    { objectMode: false, highWaterMark: streamChunk },
  );
  const tar = meter();
  const compressed = meter();
  const sealed = meter({ md5: true });
  const body = new PassThrough({ highWaterMark: streamChunk });
  let produced = false;
  const producing = pipeline([
    archive,
    tar.stream,
    compressStage(rt.compression, rt.zstdBinary),
    compressed.stream,
    ...(encryption ? [encryption] : []),
    sealed.stream,
    body,
  ]).then(
    () => {
      produced = true;
      return null;
    },
    (error: unknown) => {
      // A stage failed: stop rclone before it can finish the upload of a cut stream.
      controller.abort();
      return messageOf(error);
    },
  );
  const listener = rt.progress?.();
  const onProgress = listener && ((stats: RcloneProgress) => listener(streamProgress(stats, totals)));
  const uploading = rt.ops
    .transfer(["rcat", rt.ops.path(partial)], controller.signal, body, onProgress)
    .then((result) => {
      if (!produced) body.destroy(new Error("the upload ended before the archive did"));
      return result;
    });
  const [producerError, upload] = await Promise.all([producing, uploading]);
  signal.removeEventListener("abort", stop);

  if (producerError !== null || !upload.ok) {
    await rt.ops.run(["deletefile", rt.ops.path(partial)]).catch(() => undefined);
    if (signal.aborted) return fail("the backup was stopped", "retryable");
    if (producerError !== null && (upload.ok || upload.failure.kind === "retryable")) {
      return fail(`the archive stream failed: ${producerError}; nothing was published`);
    }
    if (!upload.ok) return { ok: false, partial, failure: upload.failure };
  }
  const object = sealed.result();
  const archiveMeasure = tar.result();
  const time = timeWithOffset(input.startedAt);
  const manifest: Manifest = {
    format: manifestFormat,
    id: input.id,
    time,
    host: rt.host,
    tool: rt.tool,
    object: { name, bytes: object.bytes, sha256: object.sha256, md5: object.md5 ?? "" },
    include: [...rt.config.include],
    sources: sources.map((s) => ({ item: s.item, path: s.path })),
    notes: notes.map((n) => `${n.item} (${n.path}) ${n.note}`),
    exclude: [...(rt.config.exclude ?? [])],
    files: totals.files,
    dirs: totals.dirs,
    symlinks: totals.symlinks,
    bytes: totals.bytes,
    archive: { bytes: archiveMeasure.bytes, sha256: archiveMeasure.sha256 },
    compressedBytes: compressed.result().bytes,
    encryptedBytes: encryption ? object.bytes : null,
    compression: { algorithm: rt.compression.algorithm, level: rt.compression.level },
    encryption: rt.encryption,
    skipped: skipped.slice(0, skippedListLimit).map((s) => ({ ...s, path: rt.ops.remote.redact(s.path) })),
    skippedCount: skipped.length,
    databases,
    durationMs: Math.max(0, rt.now() - input.startedAt),
  };
  return { ok: true, manifest, partial };
}
