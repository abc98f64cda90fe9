/**
 * What `status` and `log` show, computed from the event log alone (read-only: a running host keeps
 * writing while we read). State comes from replaying the log through the pure machine.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { AnyStateMachine } from "xstate";
import type { Conflict, FailureReason, Halt } from "../../../machines/outcomes.js";
import type { Direction } from "../../../machines/requests.js";
import type { SyncConfig } from "../../config/schema.js";
import { EventLog, type LogRecord } from "../../log/event-log.js";
import { type LockHolder, readStateDirLock } from "../../log/state-dir-lock.js";
import { useMode } from "../../modes/index.js";
import type { CycleBase, Mode, ModeName } from "../../modes/types.js";
import { workspacePaths } from "../../paths.js";
import { providerFor } from "../../providers/index.js";
import { remoteSpec, shellQuote } from "../../rclone/remote.js";
import { commandName } from "../../util/command.js";
import { stateName } from "../../util/state-name.js";
import { replay } from "../logged-actor.js";
import type { Scope } from "../scope.js";

const iso = (ms: number | null | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : null);

export interface StatusReport {
  workspace: string;
  localDir: string;
  /** The synced folder is the whole workspace (`localPath` "", "/", "." or "./"); `.workspace-sync/` stays out. */
  wholeWorkspace: boolean;
  remote: string;
  mode: ModeName;
  provider: string;
  state: string;
  rclone: string | null;
  host: LockHolder | null;
  lastCycle: ReturnType<typeof cycleView>;
  lastDryRun: ReturnType<typeof cycleView>;
  lastError: FailureReason | null;
  /** The deletion guard (or bisync safety check) that stopped the last real sync; cleared by one that succeeds. */
  halt: Halt | null;
  /** bisync only: why it cannot run without `--resync`, and the exact command. */
  resyncNeeded: (FailureReason & { command: string }) | null;
  /** Conflicts the last real cycle scope (bisync). */
  conflicts: Conflict[];
  attempt: number;
  retryAt: string | null;
  pending: boolean;
  totals: { cycles: number; failures: number; arrivals: number; conflicts: number };
  events: number;
  warnings: string[];
  /** Arrivals that could not be delivered into `_inbox` and wait in the quarantine folder (mailbox). */
  quarantine: { dir: string; files: number } | null;
  /** Set when a running host answered: its unit id, and when its interval timer fires next. */
  unit?: string;
  nextTimerAt?: string | null;
}

function cycleView(cycle: CycleBase | null) {
  if (cycle === null) return null;
  const { startedAt, finishedAt, request, attempts, ...steps } = cycle;
  return {
    startedAt: iso(startedAt),
    finishedAt: iso(finishedAt),
    durationMs: finishedAt - startedAt,
    direction: request.direction,
    dryRun: request.dryRun,
    sources: request.sources,
    attempts,
    /** The mode's steps: `push`, `drain` (mailbox); `ingest`, `pull`, `push` (mirror); `bisync`, `transfer`. */
    ...steps,
  };
}

/** `remote:<remotePath>` as the config places it (an S3 bucket included). */
export function remoteRootOf(scope: Scope): string {
  const sync = scope.loaded.sync;
  return remoteSpec(sync.remoteName, [...remotePrefix(scope), sync.remotePath]);
}

/**
 * Which way files go between the synced folder (left) and the remote (right): `->` for the mailbox (pushed
 * up one way; arrivals come through `_outbox`) and a one-way push, `<-` for mirror and a one-way pull, `<->`
 * for bisync.
 */
export function arrowOf(mode: SyncConfig["mode"], direction: Direction = "both"): "->" | "<-" | "<->" {
  if (direction === "push") return "->";
  if (direction === "pull") return "<-";
  return mode === "mailbox" ? "->" : mode === "mirror" ? "<-" : "<->";
}

/** `<synced folder> <arrow> <remote:path>`, as the config places them (an S3 bucket included). */
export function endpointsOf(scope: Scope, direction: Direction = "both"): string {
  const sync = scope.loaded.sync;
  const localDir = workspacePaths(scope.stateDir, scope.workspace, sync.localPath, sync.mode).localDir;
  return `${localDir} ${arrowOf(sync.mode, direction)} ${remoteRootOf(scope)}`;
}

/** The exact command that resyncs this workspace, with the options this command was given. */
export function resyncCommandFor(scope: Scope): string {
  const parts = [...commandName().split(" "), "sync", "--resync", "--config", scope.loaded.source];
  parts.push("--workspace", scope.workspace, "--state-dir", scope.stateDir);
  return shellQuote(parts);
}

/** Path segments before `remotePath` (the S3 bucket); none when the provider is off. */
export function remotePrefix(scope: Scope): string[] {
  const sync = scope.loaded.sync;
  if (sync.provider === "off") return [];
  return providerFor(sync).remote({ config: sync, stateDir: scope.stateDir }).pathPrefix ?? [];
}

/** How many files wait in the quarantine folder; null when none (or it cannot be read). */
async function quarantined(dir: string): Promise<StatusReport["quarantine"]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.length > 0 ? { dir, files: names.length } : null;
}

async function openReadOnly(scope: Scope) {
  const paths = workspacePaths(
    scope.stateDir,
    scope.workspace,
    scope.loaded.sync.localPath,
    scope.loaded.sync.mode,
  );
  const warnings: string[] = [];
  const log = await EventLog.open({ dir: paths.logDir, readOnly: true, onWarning: (w) => warnings.push(w) });
  return { paths, log, warnings };
}

/** A running host's state, when the report comes from it rather than from the log alone. */
export interface LiveState {
  value: unknown;
  context: unknown;
}

export async function buildStatus(scope: Scope, live?: LiveState): Promise<StatusReport> {
  return useMode(scope.loaded.sync.mode, (mode) => statusOf(mode, scope, live));
}

async function statusOf<TMachine extends AnyStateMachine, TCycle extends CycleBase>(
  mode: Mode<TMachine, TCycle>,
  scope: Scope,
  live?: LiveState,
): Promise<StatusReport> {
  const { paths, log, warnings } = await openReadOnly(scope);
  try {
    const sync = scope.loaded.sync;
    // A live state is a unit of this workspace: its context is this mode's (JSON-safe, the same fields).
    const snapshot =
      live ?? replay(mode.machine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
    const context = snapshot.context;
    const shared = mode.syncContext(context);
    const resyncNeeded = mode.resyncNeeded(context);
    const totals = mode.totals(context);
    return {
      workspace: paths.workspace,
      localDir: paths.localDir,
      wholeWorkspace: paths.toolDirInSync !== null,
      remote: remoteRootOf(scope),
      mode: sync.mode,
      provider: sync.provider,
      state: stateName(snapshot.value),
      rclone: shared.rclone,
      host: await readStateDirLock(scope.stateDir),
      lastCycle: cycleView(shared.lastCycle),
      lastDryRun: cycleView(shared.lastDryRun),
      lastError: shared.lastError,
      halt: shared.halt ?? null,
      resyncNeeded: resyncNeeded && { ...resyncNeeded, command: resyncCommandFor(scope) },
      conflicts: mode.conflicts(shared.lastCycle),
      attempt: shared.attempt,
      retryAt: iso(shared.retryAt),
      pending: shared.pending !== null,
      totals: { ...shared.totals, ...totals },
      events: log.lastSeq,
      warnings,
      quarantine: await quarantined(join(paths.toolDir, "quarantine")),
    };
  } finally {
    await log.close();
  }
}

export async function readHistory(scope: Scope, limit: number): Promise<LogRecord[]> {
  const { log } = await openReadOnly(scope);
  try {
    return await log.read({ limit });
  } finally {
    await log.close();
  }
}

/** The report's lines about its last cycle beyond the steps' stats, as the workspace's mode tells them. */
export function lastCycleLines(report: StatusReport): string[] {
  const cycle = report.lastCycle;
  if (cycle === null) return [];
  return useMode(
    report.mode,
    <TMachine extends AnyStateMachine, TCycle extends CycleBase>(mode: Mode<TMachine, TCycle>) =>
      // cast: the report's cycle is this mode's record as `cycleView` shows it: the same steps, by name
      mode.lastCycleLines(cycle as unknown as TCycle),
  );
}
