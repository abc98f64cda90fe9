/**
 * The remote `_outbox` as the drain sees it: one listing with sizes, modification times and a hash where
 * the backend has one; which files have settled (unchanged across two listings `outboxSettleSeconds`
 * apart); and rclone filter rules that name exactly the files a step may touch.
 */
import { z } from "zod";
import type { FailureReason, TransferStats } from "../../../machines/outcomes.js";
import type { SyncConfig } from "../../config/schema.js";
import type { RcloneRun } from "../../effects/rclone-runner.js";

export type HashType = "md5" | "sha1";

export interface OutboxEntry {
  /** Path relative to `_outbox`, `/`-separated, as rclone names it (invalid UTF-8 shows as U+FFFD). */
  path: string;
  size: number;
  modTime: string;
  /** The remote's own hash of the object, when the backend has MD5 or SHA-1 (S3 multipart uploads do not). */
  hash: { type: HashType; value: string } | null;
}

const listingSchema = z.array(
  z.object({
    Path: z.string(),
    Size: z.number(),
    ModTime: z.string(),
    IsDir: z.boolean().optional(),
    Hashes: z.record(z.string(), z.string()).optional(),
  }),
);

export type OutboxListing =
  | { ok: true; entries: OutboxEntry[]; stats: TransferStats }
  | { ok: false; failure: FailureReason; missing: boolean };

/** `rclone lsjson` of the remote `_outbox`, files only, with MD5 or SHA-1 where the backend keeps one. */
export async function listOutbox(
  rclone: RcloneRun,
  outbox: string,
  signal: AbortSignal,
): Promise<OutboxListing> {
  const args = [
    "lsjson",
    "-R",
    "--files-only",
    "--hash",
    "--hash-type",
    "MD5",
    "--hash-type",
    "SHA-1",
    outbox,
  ];
  const listed = await rclone(args, signal, { stdout: "text" });
  if (!listed.ok) return { ok: false, failure: listed.failure, missing: listed.failure.kind === "not-found" };
  const parsed = listingSchema.safeParse(JSON.parse(listed.stdout === "" ? "[]" : listed.stdout));
  if (!parsed.success) {
    return {
      ok: false,
      missing: false,
      failure: {
        kind: "retryable",
        message: `rclone lsjson of ${outbox} printed a listing this tool cannot read`,
      },
    };
  }
  const entries = parsed.data
    .filter((item) => item.IsDir !== true)
    .map((item): OutboxEntry => {
      const md5 = item.Hashes?.md5 ?? "";
      const sha1 = item.Hashes?.sha1 ?? "";
      const hash =
        md5 !== ""
          ? { type: "md5" as const, value: md5.toLowerCase() }
          : sha1 !== ""
            ? { type: "sha1" as const, value: sha1.toLowerCase() }
            : null;
      return { path: item.Path, size: item.Size, modTime: item.ModTime, hash };
    });
  return { ok: true, entries, stats: listed.stats };
}

/** When a file was first seen with its current size and modification time. */
export interface SeenFile {
  size: number;
  modTime: string;
  since: number;
}
export type SeenFiles = Record<string, SeenFile>;

export const seenFilesSchema = z.record(
  z.string(),
  z.object({ size: z.number(), modTime: z.string(), since: z.number() }),
);

export interface Settling {
  settled: OutboxEntry[];
  unsettled: OutboxEntry[];
  /** What to remember for the next listing: every listed file, with the time it was first seen as it is. */
  seen: SeenFiles;
  /** When the last unsettled file could have settled, if it does not change (epoch ms); null when none. */
  settlesAt: number | null;
}

/**
 * Which listed files have settled: seen with the same size and modification time at least `settleMs`
 * ago. `settleMs` 0 (or a backend whose uploads appear whole) settles every file at once.
 */
export function settle(
  entries: readonly OutboxEntry[],
  seen: SeenFiles,
  now: number,
  settleMs: number,
): Settling {
  const settled: OutboxEntry[] = [];
  const unsettled: OutboxEntry[] = [];
  const next: SeenFiles = {};
  let settlesAt: number | null = null;
  for (const entry of entries) {
    const before = seen[entry.path];
    const same = before !== undefined && before.size === entry.size && before.modTime === entry.modTime;
    const since = same ? before.since : now;
    next[entry.path] = { size: entry.size, modTime: entry.modTime, since };
    if (settleMs <= 0 || (same && now - since >= settleMs)) settled.push(entry);
    else {
      unsettled.push(entry);
      settlesAt = Math.max(settlesAt ?? 0, since + settleMs);
    }
  }
  return { settled, unsettled, seen: next, settlesAt };
}

/** rclone backends whose uploads become visible only whole (an object store's PUT or a committed session). */
const wholeObjectBackends: ReadonlySet<string> = new Set(["s3", "dropbox", "drive"]);

/** Whether the configured remote publishes a file only once its upload is complete (S3, Dropbox, Drive). */
export function uploadsAppearWhole(config: SyncConfig): boolean {
  if (config.provider === "s3" || config.provider === "dropbox" || config.provider === "gdrive") return true;
  if (config.provider === "custom") return wholeObjectBackends.has(config.custom?.rcloneType ?? "");
  return false;
}

/**
 * An rclone filter rule naming exactly `path` (anchored at the root of the listing): glob characters are
 * escaped, and a character rclone cannot be told by name (U+FFFD standing for invalid UTF-8, a line
 * break) becomes `?`, which is why {@link ambiguous} exists.
 */
export function exactRule(path: string): string {
  return `/${path.replace(/[\\*?[\]{}]/g, "\\$&").replace(/[\n\r\ufffd]/g, "?")}`;
}

/** Listed paths whose rule would also match another listed path (only possible with `?` in the rule). */
export function ambiguous(entries: readonly OutboxEntry[]): Set<string> {
  const out = new Set<string>();
  for (const entry of entries) {
    if (!/[\n\r\ufffd]/.test(entry.path)) continue;
    const pattern = new RegExp(
      `^${entry.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/[\n\r\ufffd]/g, ".")}$`,
      "su",
    );
    if (entries.some((other) => other.path !== entry.path && pattern.test(other.path))) out.add(entry.path);
  }
  return out;
}

/** A filter file's text: include exactly `paths`, exclude everything else. */
export function onlyThese(paths: readonly string[]): string {
  return `${[...paths.map((p) => `+ ${exactRule(p)}`), "- **"].join("\n")}\n`;
}
