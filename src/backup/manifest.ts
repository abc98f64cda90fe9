/**
 * The manifest: written last, it is what makes a snapshot exist. One JSON line per file
 * (`<id>.manifest.json`), so every manifest of a folder can be read in one `rclone cat`.
 */
import { z } from "zod";
import { backupCompressions, backupIncludeItems } from "../config/backup.js";
import { extensions } from "./codec/compression.js";

export const manifestFormat = "workspace-sync-backup/1";
export const manifestSuffix = ".manifest.json";
export const partialSuffix = ".partial";
/** How many skipped paths a manifest names (the count is always exact). */
export const skippedListLimit = 1000;

const skippedSchema = z.object({
  path: z.string(),
  reason: z.string(),
  inArchive: z.boolean().optional(),
});

export const manifestSchema = z.object({
  format: z.literal(manifestFormat),
  id: z.string().regex(/^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$/),
  /** ISO 8601 with the host's offset. */
  time: z.string(),
  host: z.string(),
  tool: z.string(),
  /** The snapshot object, beside the manifest. */
  object: z.object({
    name: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string(),
    md5: z.string(),
  }),
  include: z.array(z.enum(backupIncludeItems)),
  sources: z.array(z.object({ item: z.enum(backupIncludeItems), path: z.string() })),
  notes: z.array(z.string()),
  exclude: z.array(z.string()),
  files: z.number().int().nonnegative(),
  dirs: z.number().int().nonnegative(),
  symlinks: z.number().int().nonnegative(),
  /** Bytes of file content archived. */
  bytes: z.number().int().nonnegative(),
  /** The uncompressed tar stream. */
  archive: z.object({ bytes: z.number().int().nonnegative(), sha256: z.string() }),
  compressedBytes: z.number().int().nonnegative(),
  /** null when not encrypted. */
  encryptedBytes: z.number().int().nonnegative().nullable(),
  compression: z.object({ algorithm: z.enum(backupCompressions), level: z.number().int().nullable() }),
  encryption: z.enum(["age-passphrase", "age-recipients", "none"]),
  skipped: z.array(skippedSchema),
  skippedCount: z.number().int().nonnegative(),
  /** SQLite databases archived through SQLite's backup API (absent in manifests made before it). */
  databases: z
    .array(z.object({ path: z.string(), bytes: z.number().int().nonnegative(), mechanism: z.string() }))
    .optional(),
  durationMs: z.number().nonnegative(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type SkippedEntry = z.infer<typeof skippedSchema>;

/** `2026-11-21T10:15:30.123+01:00`: local wall time with the host's offset. */
export function timeWithOffset(ms: number, offsetMinutes = -new Date(ms).getTimezoneOffset()): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().replace("Z", "");
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local}${sign}${hh}:${mm}`;
}

export function objectName(
  id: string,
  compression: Manifest["compression"]["algorithm"],
  encrypted: boolean,
): string {
  return `${id}.tar${extensions[compression]}${encrypted ? ".age" : ""}`;
}

export function manifestName(id: string): string {
  return `${id}${manifestSuffix}`;
}

export function encodeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest)}\n`;
}

/** Every valid manifest in `text` (one JSON object a line); what does not parse is reported. */
export function parseManifests(text: string): { manifests: Manifest[]; invalid: number } {
  const manifests: Manifest[] = [];
  let invalid = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(line));
      if (parsed.success) manifests.push(parsed.data);
      else invalid++;
    } catch {
      invalid++;
    }
  }
  return { manifests, invalid };
}

/** The id a snapshot's files start with, or null for a name that is not ours. */
export function idOfName(name: string): string | null {
  const match = /^([0-9]{8}T[0-9]{6}Z-[0-9a-f]{4})\./.exec(name);
  return match?.[1] ?? null;
}
