/** Plain-text lines for one cycle of any mode: its steps, what a dry run would do, conflicts, halts. */
import type { BisyncOutcome } from "../../machines/bisync.js";
import type { Conflict, FileChange, Halt, TransferOutcome } from "../../machines/outcomes.js";
import { shellQuote } from "../rclone/remote.js";
import type { CycleRecord } from "../runtime/workspace/start.js";
import type { Resolved } from "./context.js";
import { statsLine } from "./format.js";

const verbs: Record<FileChange["action"], string> = {
  copied: "copy",
  updated: "update",
  deleted: "delete",
  moved: "move",
  renamed: "rename",
};

export function conflictLine(c: Conflict): string {
  const who = c.winner === undefined ? `the ${c.policy} version` : `the ${c.winner} version`;
  return `conflict ${c.path}: ${who} keeps the name; the other is kept as ${c.loser} on both sides`;
}

export function haltLine(halt: Halt): string {
  return `${halt.reason}: ${halt.message}`;
}

function stepLines(label: string, step: TransferOutcome | null, dryRun: boolean): string[] {
  if (step === null) return [];
  const lines = [`${label.padEnd(6)} ${statsLine(step.stats)}`];
  if (dryRun) for (const c of step.changes) lines.push(`  would ${verbs[c.action]} ${c.path}`);
  if (dryRun && step.changeCount > step.changes.length)
    lines.push(`  ... and ${step.changeCount - step.changes.length} more`);
  return lines;
}

function bisyncLines(bisync: BisyncOutcome | null, dryRun: boolean): string[] {
  if (bisync === null) return [];
  const label = bisync.resynced ? "resync" : "bisync";
  const lines = stepLines(label, bisync, dryRun);
  for (const lock of bisync.staleLocksRemoved) lines.push(`  removed a stale bisync lock: ${lock}`);
  for (const c of bisync.conflicts) lines.push(`  ${conflictLine(c)}`);
  return lines;
}

/** The lines `sync` prints for a finished cycle, whatever the mode. */
export function cycleLines(cycle: CycleRecord): string[] {
  const dry = cycle.request.dryRun;
  const lines: string[] = [];
  if ("drain" in cycle) {
    lines.push(...stepLines("push", cycle.push, dry));
    if (cycle.drain) {
      lines.push(`drain  ${cycle.drain.arrivals.length} ${dry ? "would arrive" : "arrived"} in _inbox`);
      for (const name of cycle.drain.arrivals) lines.push(`  ${name}`);
      for (const r of cycle.drain.renamed) lines.push(`  (${r.from} was taken: kept as ${r.to})`);
    }
  } else if ("pull" in cycle) {
    lines.push(...stepLines("ingest", cycle.ingest, dry), ...stepLines("pull", cycle.pull, dry));
    lines.push(...stepLines("push", cycle.push, dry));
  } else {
    lines.push(...bisyncLines(cycle.bisync, dry));
    const oneWay = cycle.request.direction === "push" ? "push" : "pull";
    lines.push(...stepLines(oneWay, cycle.transfer, dry));
  }
  return lines;
}

/** The exact command that resyncs this workspace, with the options this command was given. */
export function resyncCommandFor(resolved: Resolved): string {
  const parts = ["workspace-sync", "sync", "--resync", "--config", resolved.loaded.source];
  parts.push("--workspace", resolved.workspace, "--state-dir", resolved.stateDir);
  return shellQuote(parts);
}
