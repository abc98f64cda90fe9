/**
 * The backup statechart's data: its context, events, effect inputs, and the pure helpers its actions use.
 * Pure: no clock, no I/O.
 */
import type { At, HostStarted, HostStopped } from "./host.js";
import type { FailureReason } from "./outcomes.js";
import type { TriggerSource } from "./requests.js";

export type { DeadlineInput } from "./host.js";

/** What the machine needs to know of a manifest (the host's type carries the rest). */
export interface SnapshotSummary {
  id: string;
  time: string;
  object: { name: string; bytes: number };
  files: number;
  bytes: number;
  skippedCount: number;
  [key: string]: unknown;
}

export interface UploadOutcome {
  manifest: SnapshotSummary;
  /** The partial object's name, published by `publishing`. */
  partial: string;
}

export interface PruneOutcome {
  removed: string[];
  kept: number;
  leftoversRemoved: string[];
}

export interface BackupRun {
  requestIds: string[];
  sources: TriggerSource[];
  /** When this attempt started (epoch ms); the snapshot id derives from it. */
  startedAt: number;
  id: string;
}

export interface BackupRecord {
  id: string;
  requestIds: string[];
  sources: TriggerSource[];
  startedAt: number;
  finishedAt: number;
  snapshot: SnapshotSummary;
  hashChecked: boolean;
  prune: PruneOutcome | null;
  pruneError: FailureReason | null;
}

export interface BackupFailure {
  requestIds: string[];
  at: number;
  error: FailureReason;
}

export interface BackupContext {
  /** Milliseconds between scheduled backups; null until a host says (no schedule). */
  intervalMs: number | null;
  /** When the next scheduled backup is due (epoch ms); null without a schedule. */
  nextDueAt: number | null;
  current: BackupRun | null;
  /** Requests that arrived during a backup: served together by one more backup after it. */
  pending: { requestIds: string[]; sources: TriggerSource[] } | null;
  upload: UploadOutcome | null;
  hashChecked: boolean;
  /** Ids of attempts that failed or that a dead host left: their unpublished objects go at the next prune. */
  abandoned: string[];
  lastBackup: BackupRecord | null;
  lastFailure: BackupFailure | null;
  totals: { backups: number; failures: number; pruned: number };
  rclone: string | null;
}

export type BackupEvent =
  | HostStarted<{ intervalMs: number | null }>
  | HostStopped
  | ({ type: "backupRequested"; requestId?: string; source: TriggerSource } & At)
  | ({ type: "backupDue" } & At)
  | ({ type: "uploadDone" } & UploadOutcome & At)
  | ({ type: "uploadFailed"; error: FailureReason } & At)
  | ({ type: "checkDone"; hashChecked: boolean } & At)
  | ({ type: "checkFailed"; error: FailureReason } & At)
  | ({ type: "publishDone" } & At)
  | ({ type: "publishFailed"; error: FailureReason } & At)
  | ({ type: "pruneDone" } & PruneOutcome & At)
  | ({ type: "pruneFailed"; error: FailureReason } & At);

export interface CreateInput {
  id: string;
  startedAt: number;
}
export interface PublishInput {
  upload: UploadOutcome;
}
export interface PruneInput {
  keepId: string;
  abandoned: string[];
}

/** After a failure the schedule tries again after at most this long. */
export const failureRetryMs = 3_600_000;

/** `20261121T091530Z-ab12`: sorts as time does; the tail (from the request) tells apart one second's. */
export function snapshotIdAt(ms: number, seed: string): string {
  const stamp = new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  let hash = 0;
  for (const char of seed) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${stamp}-${(hash & 0xffff).toString(16).padStart(4, "0")}`;
}

export const initialBackupContext: BackupContext = {
  intervalMs: null,
  nextDueAt: null,
  current: null,
  pending: null,
  upload: null,
  hashChecked: false,
  abandoned: [],
  lastBackup: null,
  lastFailure: null,
  totals: { backups: 0, failures: 0, pruned: 0 },
  rclone: null,
};

export function runFor(requestIds: string[], sources: TriggerSource[], at: number): BackupRun {
  return { requestIds, sources, startedAt: at, id: snapshotIdAt(at, `${requestIds.join(",")}@${at}`) };
}

export function requestOf(event: BackupEvent): { requestIds: string[]; sources: TriggerSource[] } {
  if (event.type === "backupRequested") {
    return { requestIds: event.requestId ? [event.requestId] : [], sources: [event.source] };
  }
  return { requestIds: [], sources: ["timer"] };
}

export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The attempts whose unpublished objects may be left on the remote. */
export function abandonedWith(context: BackupContext): string[] {
  return unique([...context.abandoned, ...(context.current ? [context.current.id] : [])]);
}

/**
 * A backup that did not finish, at `at`: the last failure, with its attempt's unpublished objects left for the
 * next prune; the schedule tries again at `nextDueAt`.
 */
export function backupFailed(
  context: BackupContext,
  at: number,
  error: FailureReason,
  nextDueAt: number | null,
): Partial<BackupContext> {
  return {
    lastFailure: { requestIds: context.current?.requestIds ?? [], at, error },
    abandoned: abandonedWith(context),
    current: null,
    upload: null,
    totals: { ...context.totals, failures: context.totals.failures + 1 },
    nextDueAt,
  };
}

/** When the follow-up of a finished backup starts: done events carry no time of their own. */
export function followUpAt(context: BackupContext): number {
  return Math.max(context.lastBackup?.finishedAt ?? 0, context.lastFailure?.at ?? 0);
}
