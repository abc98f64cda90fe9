/**
 * The plain text the chat commands answer with: short, no statecharts, and on failure the next step a
 * person can take. Built from what the running host answers (a cycle's `Answer`, a `StatusReport`).
 */
import type { AnyStateMachine } from "xstate";
import type { FailureReason } from "../../machines/outcomes.js";
import type { Manifest } from "../backup/manifest.js";
import { useMode } from "../modes/index.js";
import type { CycleBase, Mode } from "../modes/types.js";
import { modeAnswer } from "../runtime/answer.js";
import type { BackupCycle } from "../runtime/backup/unit.js";
import type { Answer } from "../runtime/unit.js";
import { arrowOf, type StatusReport } from "../runtime/workspace/status.js";
import { stateName } from "../util/state-name.js";
import { bytes, haltLine } from "../util/text.js";

/** One failure in a sentence, with its fix when known. */
export function problemLine(error: FailureReason): string {
  const fix = error.hint ? ` Fix: ${error.hint}` : "";
  return `${error.message} (${error.kind}).${fix}`;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** What `/sync` answers once the cycle it asked for has ended. */
export function syncReply(answer: Answer, modeName: StatusReport["mode"]): string {
  return useMode(modeName, <M extends AnyStateMachine, C extends CycleBase>(mode: Mode<M, C>) => {
    const { verdict, context, cycle } = modeAnswer(mode, answer);
    const shared = mode.syncContext(context);
    const state = stateName(answer.state);
    if (verdict === "done" && cycle) {
      const lines = mode.cycleLines(cycle);
      const took = seconds(cycle.finishedAt - cycle.startedAt);
      return [`Synced in ${took}.`, ...lines].join("\n");
    }
    if (state === "halted" && shared.halt) {
      return `Sync halted, nothing was deleted: ${haltLine(shared.halt)}. ${shared.halt.hint}`;
    }
    if (state === "needsResync") {
      const why = mode.resyncNeeded(context);
      return `Sync needs a resync${why ? `: ${why.message}` : ""}. Next: run \`openclaw workspace-sync sync --resync\`.`;
    }
    const why = shared.lastError ? problemLine(shared.lastError) : "no reason was recorded.";
    if (verdict === "retrying") {
      const at = shared.retryAt ? ` at ${new Date(shared.retryAt).toISOString()}` : "";
      return `Sync did not finish: ${why}\nIt retries by itself${at}; /sync status shows how it goes.`;
    }
    return `Sync failed: ${why}\nNext: fix the cause, then send /sync again.`;
  });
}

/** What `/sync status` answers: where things stand, in a few lines. */
export function statusReply(report: StatusReport): string {
  const lines = [
    `Sync ${report.state} (${report.mode}, ${report.provider}): ${report.localDir} ${arrowOf(report.mode)} ${report.remote}`,
  ];
  const cycle = report.lastCycle;
  lines.push(
    cycle
      ? `Last sync: ${cycle.finishedAt}, took ${seconds(cycle.durationMs)}.`
      : "Last sync: never. Send /sync to run one now.",
  );
  if (report.nextTimerAt) lines.push(`Next run: ${report.nextTimerAt}.`);
  else if (report.retryAt) lines.push(`Next try: ${report.retryAt} (attempt ${report.attempt}).`);
  else lines.push("Next run: no timer; on /sync and session hooks as configured.");
  lines.push(...problemLines(report));
  return lines.join("\n");
}

/** What is wrong, and the fix, or "Nothing is wrong." */
export function problemLines(report: StatusReport): string[] {
  if (report.halt) return [`Halted: ${haltLine(report.halt)}. Fix: ${report.halt.hint}`];
  if (report.resyncNeeded)
    return [`Needs a resync: ${report.resyncNeeded.message}. Fix: run ${report.resyncNeeded.command}`];
  if (report.lastError) return [`Problem: ${problemLine(report.lastError)}`];
  return ["Nothing is wrong."];
}

/** What `/backup now` answers once the backup has ended. */
export function backupReply(answer: Answer): string {
  // cast: the backup unit's answer carries its `BackupCycle` (runtime/backup/unit.ts)
  const cycle = answer.cycle as BackupCycle | null;
  const record = cycle?.record;
  if (answer.verdict === "done" && record) {
    const s = record.snapshot;
    const pruned = record.prune?.removed.length ?? 0;
    return `Backed up ${s.id}: ${s.files} files, ${bytes(s.bytes)} (${bytes(s.object.bytes)} stored)${pruned > 0 ? `; pruned ${pruned} old` : ""}.`;
  }
  const error = cycle?.failure?.error;
  return `Backup failed: ${error ? problemLine(error) : "no reason was recorded."}\nNext: fix the cause, then send /backup now again.`;
}

/** How many snapshots `/backup list` names before "and N more". */
export const listedSnapshots = 10;

export function backupListReply(root: string, snapshots: readonly Manifest[]): string {
  if (snapshots.length === 0) return `No backups yet in ${root}. Send /backup now to make one.`;
  const shown = snapshots
    .slice(0, listedSnapshots)
    .map((m) => `${m.id}  ${m.time}  ${m.files} files, ${bytes(m.bytes)}`);
  const more = snapshots.length > listedSnapshots ? [`and ${snapshots.length - listedSnapshots} older`] : [];
  return [`${snapshots.length} backup(s) in ${root}, newest first:`, ...shown, ...more].join("\n");
}
