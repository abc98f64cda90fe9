/** Plain text for people, shared by every report: sizes, transfer counts, failures, halts. */
import type { FailureReason, Halt, TransferStats } from "../../machines/outcomes.js";

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A step's counts; a dry run's say what it would do (`2 would transfer (3 B), 1 would be deleted`). */
export function statsLine(stats: TransferStats, dryRun = false): string {
  const [transferred, deleted, moved] = dryRun
    ? ["would transfer", "would be deleted", "would be moved"]
    : ["transferred", "deleted", "moved"];
  const parts = [`${stats.transfers} ${transferred} (${bytes(stats.bytes)})`];
  if (stats.deletes > 0) parts.push(`${stats.deletes} ${deleted}`);
  if (stats.renames > 0) parts.push(`${stats.renames} ${moved}`);
  if (stats.errors > 0) parts.push(`${stats.errors} errors`);
  return parts.join(", ");
}

export function failureLine(error: FailureReason): string {
  return `${error.kind}: ${error.message}${error.hint ? ` (${error.hint})` : ""}`;
}

export function haltLine(halt: Halt): string {
  return `${halt.reason}: ${halt.message}`;
}

/** A logged event's stats, read field by field (a missing count reads 0); null when it has none. */
export function statsOf(value: unknown): TransferStats | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const fields: Record<string, unknown> = { ...value };
  const n = (key: string) => {
    const v = fields[key];
    return typeof v === "number" ? v : 0;
  };
  return {
    bytes: n("bytes"),
    transfers: n("transfers"),
    deletes: n("deletes"),
    checks: n("checks"),
    renames: n("renames"),
    errors: n("errors"),
    elapsedSeconds: n("elapsedSeconds"),
  };
}
