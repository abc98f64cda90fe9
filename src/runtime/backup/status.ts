/**
 * What `backup status` shows, computed from the backup's event log alone (read-only: a running host keeps
 * writing while we read): schedule, state, last result, totals and the next run.
 */
import { type BackupContext, backupMachine } from "../../../machines/backup.js";
import type { FailureReason } from "../../../machines/outcomes.js";
import { type ResolvedItem, resolveItems, type SourceRoots } from "../../backup/archive/sources.js";
import { type BackupConfig, backupScheduleSeconds } from "../../config/backup.js";
import { EventLog } from "../../log/event-log.js";
import { type LockHolder, readStateDirLock } from "../../log/state-dir-lock.js";
import { stateName } from "../../util/state-name.js";
import { replay } from "../logged-actor.js";
import { backupLogDir } from "./start.js";

const iso = (ms: number | null | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : null);

export interface BackupStatus {
  enabled: boolean;
  /** `backup.interval` as configured. */
  intervalSeconds: number;
  /** Seconds between scheduled backups as a host runs them (raised to the minimum); null: no schedule. */
  scheduleSeconds: number | null;
  /** false: snapshots are uploaded unencrypted (`backup.encrypt` false). */
  encrypted: boolean;
  state: string;
  host: LockHolder | null;
  nextRun: string | null;
  lastBackup: {
    id: string;
    finishedAt: string | null;
    durationMs: number;
    files: number;
    bytes: number;
    objectBytes: number;
    skipped: number;
    pruned: number;
    pruneError: FailureReason | null;
  } | null;
  lastFailure: { at: string | null; error: FailureReason } | null;
  totals: BackupContext["totals"];
  events: number;
  warnings: string[];
  /** What each include item resolves to on this machine (every existing place is archived). */
  items?: ResolvedItem[];
}

export async function buildBackupStatus(
  stateDir: string,
  backup: BackupConfig,
  now: number,
  roots?: SourceRoots,
): Promise<BackupStatus> {
  const warnings: string[] = [];
  const log = await EventLog.open({
    dir: backupLogDir(stateDir),
    readOnly: true,
    onWarning: (w) => warnings.push(w),
  });
  try {
    const snapshot = replay(backupMachine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
    // Replayed through the backup machine: the context is this machine's.
    const context: BackupContext = snapshot.context;
    const last = context.lastBackup;
    const scheduleSeconds = backupScheduleSeconds(backup);
    // With no host running, the next run is what a host would schedule when it starts.
    const nextDue =
      scheduleSeconds === null
        ? null
        : (context.nextDueAt ?? (last ? last.startedAt + scheduleSeconds * 1000 : now));
    return {
      enabled: backup.enabled,
      intervalSeconds: backup.interval,
      scheduleSeconds,
      encrypted: backup.encrypt,
      state: stateName(snapshot.value),
      host: await readStateDirLock(stateDir),
      nextRun: iso(nextDue),
      lastBackup: last
        ? {
            id: last.id,
            finishedAt: iso(last.finishedAt),
            durationMs: last.finishedAt - last.startedAt,
            files: last.snapshot.files,
            bytes: last.snapshot.bytes,
            objectBytes: last.snapshot.object.bytes,
            skipped: last.snapshot.skippedCount,
            pruned: last.prune?.removed.length ?? 0,
            pruneError: last.pruneError,
          }
        : null,
      lastFailure: context.lastFailure
        ? { at: iso(context.lastFailure.at), error: context.lastFailure.error }
        : null,
      totals: context.totals,
      events: log.lastSeq,
      warnings,
      ...(roots ? { items: await resolveItems(backup.include, roots) } : {}),
    };
  } finally {
    await log.close();
  }
}
