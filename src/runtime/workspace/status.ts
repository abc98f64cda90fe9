/**
 * What `status` and `log` show, computed from the event log alone (read-only: a running host keeps
 * writing while we read). State comes from replaying the log through the pure machine.
 */
import type { Conflict, FailureReason, Halt } from "../../../machines/outcomes.js";
import type { Resolved } from "../../cli/context.js";
import { EventLog, type LogRecord } from "../../log/event-log.js";
import { type LockHolder, readStateDirLock } from "../../log/state-dir-lock.js";
import { modeFor } from "../../modes/index.js";
import { workspacePaths } from "../../paths.js";
import { providerFor } from "../../providers/index.js";
import { remoteSpec } from "../../rclone/remote.js";
import { stateName } from "../../util/state-name.js";
import { replay } from "../logged-actor.js";
import type { AnyCycleContext, CycleRecord } from "./start.js";

export { stateName } from "../../util/state-name.js";

import { resyncCommandFor } from "../../cli/cycle-format.js";

const iso = (ms: number | null | undefined) => (typeof ms === "number" ? new Date(ms).toISOString() : null);

export interface StatusReport {
  workspace: string;
  localDir: string;
  remote: string;
  mode: string;
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
  /** Conflicts the last real cycle resolved (bisync). */
  conflicts: Conflict[];
  attempt: number;
  retryAt: string | null;
  pending: boolean;
  totals: { cycles: number; failures: number; arrivals: number; conflicts: number };
  events: number;
  warnings: string[];
  /** Set when a running host answered: its unit id, and when its interval timer fires next. */
  unit?: string;
  nextTimerAt?: string | null;
}

/** What each mode's context holds besides the shared cycle state (absent fields: another mode). */
type StatusContext = AnyCycleContext & {
  rclone: string | null;
  arrivalsTotal?: number;
  conflictsTotal?: number;
  resyncNeeded?: FailureReason | null;
};

function cycleView(cycle: CycleRecord | null) {
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

function conflictsOf(cycle: CycleRecord | null): Conflict[] {
  return cycle !== null && "bisync" in cycle ? (cycle.bisync?.conflicts ?? []) : [];
}

/** Path segments before `remotePath` (the S3 bucket); none when the provider is off. */
export function remotePrefix(resolved: Resolved): string[] {
  const sync = resolved.loaded.sync;
  if (sync.provider === "off") return [];
  return providerFor(sync).remote({ config: sync, stateDir: resolved.stateDir }).pathPrefix ?? [];
}

async function openReadOnly(resolved: Resolved) {
  const paths = workspacePaths(
    resolved.stateDir,
    resolved.workspace,
    resolved.loaded.sync.localPath,
    resolved.loaded.sync.mode,
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

export async function buildStatus(resolved: Resolved, live?: LiveState): Promise<StatusReport> {
  const { paths, log, warnings } = await openReadOnly(resolved);
  try {
    const sync = resolved.loaded.sync;
    const machine = modeFor(sync.mode).machine;
    const snapshot = live ?? replay(machine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
    const context = snapshot.context as StatusContext;
    const resyncNeeded = context.resyncNeeded ?? null;
    return {
      workspace: paths.workspace,
      localDir: paths.localDir,
      remote: remoteSpec(sync.remoteName, [...remotePrefix(resolved), sync.remotePath]),
      mode: sync.mode,
      provider: sync.provider,
      state: stateName(snapshot.value),
      rclone: context.rclone,
      host: await readStateDirLock(resolved.stateDir),
      lastCycle: cycleView(context.lastCycle),
      lastDryRun: cycleView(context.lastDryRun),
      lastError: context.lastError,
      halt: context.halt ?? null,
      resyncNeeded: resyncNeeded && { ...resyncNeeded, command: resyncCommandFor(resolved) },
      conflicts: conflictsOf(context.lastCycle),
      attempt: context.attempt,
      retryAt: iso(context.retryAt),
      pending: context.pending !== null,
      totals: {
        ...context.totals,
        arrivals: context.arrivalsTotal ?? 0,
        conflicts: context.conflictsTotal ?? 0,
      },
      events: log.lastSeq,
      warnings,
    };
  } finally {
    await log.close();
  }
}

export async function readHistory(resolved: Resolved, limit: number): Promise<LogRecord[]> {
  const { log } = await openReadOnly(resolved);
  try {
    return await log.read({ limit });
  } finally {
    await log.close();
  }
}
