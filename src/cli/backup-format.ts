/** Backup reports for people: `backup status`, snapshot lines, entry lines. */
import type { SnapshotRef } from "../backup/catalog.js";
import { backupScheduleLine } from "../config/backup.js";
import type { BackupStatus } from "../runtime/backup/status.js";
import { bytes, failureLine } from "../util/text.js";

export function formatBackupStatus(status: BackupStatus): string {
  const lines = [
    `schedule   ${backupScheduleLine({ enabled: status.enabled, interval: status.intervalSeconds })}`,
    `encrypted  ${status.encrypted ? "yes (age)" : "NO: snapshots are uploaded unencrypted (`backup.encrypt` is false)"}`,
    `state      ${status.state}`,
    `host       ${status.host ? `running, pid ${status.host.pid} since ${status.host.startedAt}` : "not running"}`,
    `next run   ${status.nextRun ?? "none"}${status.nextRun && !status.host ? " (when a host runs)" : ""}`,
  ];
  const last = status.lastBackup;
  if (last) {
    lines.push(
      `last       ${last.id} at ${last.finishedAt} (${last.durationMs} ms): ${last.files} files, ${bytes(last.bytes)} → ${bytes(last.objectBytes)}${last.skipped ? `, ${last.skipped} skipped` : ""}`,
    );
    if (last.pruned > 0) lines.push(`pruned     ${last.pruned} snapshots`);
    if (last.pruneError) lines.push(`prune      failed: ${failureLine(last.pruneError)}`);
  } else {
    lines.push("last       never");
  }
  if (status.lastFailure)
    lines.push(`last error ${status.lastFailure.at}: ${failureLine(status.lastFailure.error)}`);
  lines.push(
    `totals     ${status.totals.backups} backups, ${status.totals.failures} failures, ${status.totals.pruned} pruned; ${status.events} events logged`,
  );
  for (const { item, places } of status.items ?? []) {
    const found = places.filter((p) => p.exists);
    const shown = found.length > 0 ? found : places;
    const where = shown
      .map((p) => `${p.path}${p.exists ? "" : " (not there)"}${p.item === item ? "" : ` → ${p.item}/`}`)
      .join(", ");
    lines.push(`${`include ${item}`.padEnd(10)} ${where}`);
  }
  for (const warning of status.warnings) lines.push(`warning    ${warning}`);
  return lines.join("\n");
}

/** One snapshot of `backup list` (ours, or the original plugin's, marked as such). */
export function snapshotLine(ref: SnapshotRef): string {
  if (ref.origin === "original") {
    const o = ref.original;
    return `${o.id}  ${o.time}  from the original plugin  ${bytes(o.bytes).padStart(10)}  tar.gz${o.encrypted ? "+openssl" : ""}`;
  }
  const m = ref.manifest;
  const skipped = m.skippedCount > 0 ? `, ${m.skippedCount} skipped` : "";
  return `${m.id}  ${m.time}  ${String(m.files).padStart(6)} files  ${bytes(m.bytes).padStart(10)} → ${bytes(m.object.bytes).padStart(10)}  ${m.compression.algorithm}${m.encryption === "none" ? "" : "+age"}${skipped}`;
}

/** How a snapshot is named in a result line: `20261121T091530Z-ab12`, or the original's id marked. */
export function snapshotName(ref: SnapshotRef): string {
  return ref.origin === "original" ? `${ref.id} (from the original plugin)` : ref.id;
}

/** A restore or ls entry as `backup ls` prints it. */
export function entryLine(e: {
  path: string;
  kind: string;
  size: number;
  mtime: string;
  linkpath?: string;
}): string {
  const shown =
    e.kind === "dir" ? `${e.path}/` : e.kind === "symlink" ? `${e.path} -> ${e.linkpath ?? ""}` : e.path;
  const size = e.kind === "file" ? bytes(e.size) : "-";
  return `${e.mtime.slice(0, 16).replace("T", " ")}  ${size.padStart(10)}  ${shown}`;
}
