/**
 * What `status` and `log` show, computed from the event log alone (read-only: a running host keeps
 * writing while we read). State comes from replaying the log through the pure machine.
 */
import type { StateValue } from "xstate";
import { type MailboxContext, mailboxMachine } from "../../machines/mailbox.js";
import type { FailureReason } from "../../machines/outcomes.js";
import { replay } from "../host/actor-host.js";
import { EventLog, type LogRecord } from "../log/event-log.js";
import { type LockHolder, readStateDirLock } from "../log/state-dir-lock.js";
import { workspacePaths } from "../paths.js";
import { providerFor } from "../providers/index.js";
import { remoteSpec } from "../rclone/remote.js";
import type { Resolved } from "./context.js";

/** `{running: "pushing"}` → `running.pushing`. */
export function stateName(value: StateValue | unknown): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") {
    const [key, child] = Object.entries(value as Record<string, unknown>)[0] ?? [];
    if (key === undefined) return "";
    const rest = stateName(child);
    return rest === "" ? key : `${key}.${rest}`;
  }
  return String(value);
}

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
  attempt: number;
  retryAt: string | null;
  pending: boolean;
  totals: { cycles: number; failures: number; arrivals: number };
  events: number;
  warnings: string[];
}

function cycleView(cycle: MailboxContext["lastCycle"]) {
  if (cycle === null) return null;
  return {
    startedAt: iso(cycle.startedAt),
    finishedAt: iso(cycle.finishedAt),
    durationMs: cycle.finishedAt - cycle.startedAt,
    direction: cycle.request.direction,
    dryRun: cycle.request.dryRun,
    sources: cycle.request.sources,
    attempts: cycle.attempts,
    push: cycle.push,
    drain: cycle.drain,
  };
}

/** Path segments before `remotePath` (the S3 bucket); none when the provider is off. */
function remotePrefix(resolved: Resolved): string[] {
  const sync = resolved.loaded.sync;
  if (sync.provider === "off") return [];
  return providerFor(sync).remote({ config: sync, stateDir: resolved.stateDir }).pathPrefix ?? [];
}

async function openReadOnly(resolved: Resolved) {
  const paths = workspacePaths(resolved.stateDir, resolved.workspace, resolved.loaded.sync.localPath);
  const warnings: string[] = [];
  const log = await EventLog.open({ dir: paths.logDir, readOnly: true, onWarning: (w) => warnings.push(w) });
  return { paths, log, warnings };
}

export async function buildStatus(resolved: Resolved): Promise<StatusReport> {
  const { paths, log, warnings } = await openReadOnly(resolved);
  try {
    const snapshot = replay(mailboxMachine, log.recovery.checkpoint?.snapshot ?? null, log.recovery.tail);
    const context = snapshot.context as MailboxContext;
    const sync = resolved.loaded.sync;
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
      attempt: context.attempt,
      retryAt: iso(context.retryAt),
      pending: context.pending !== null,
      totals: { ...context.totals, arrivals: context.arrivalsTotal },
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
