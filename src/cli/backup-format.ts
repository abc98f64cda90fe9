/** `backup status` for people. */
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
