/** Bisync mode: two-way `rclone bisync`, path1 = the remote, path2 = the workspace. */
import { type BisyncMachine, type BisyncOutcome, bisyncMachine } from "../../../machines/bisync.js";
import type { Conflict } from "../../../machines/outcomes.js";
import { statsLine, statsOf } from "../../util/text.js";
import { stepLines } from "../steps.js";
import type { Mode } from "../types.js";
import { bisyncEffects } from "./effects.js";

export function conflictLine(c: Conflict): string {
  const who = c.winner === undefined ? `the ${c.policy} version` : `the ${c.winner} version`;
  return `conflict ${c.path}: ${who} keeps the name; the other is kept as ${c.loser} on both sides`;
}

function bisyncLines(bisync: BisyncOutcome | null, dryRun: boolean): string[] {
  if (bisync === null) return [];
  const lines = stepLines(bisync.resynced ? "resync" : "bisync", bisync, dryRun);
  for (const lock of bisync.staleLocksRemoved) lines.push(`  removed a stale bisync lock: ${lock}`);
  for (const c of bisync.conflicts) lines.push(`  ${conflictLine(c)}`);
  return lines;
}

/** `changed during sync, running again: a.md, b.md` (the first five names). */
export function changedLine(names: readonly string[], verb: string): string {
  const more = names.length > 5 ? ` and ${names.length - 5} more` : "";
  return `changed during sync, ${verb}: ${names.slice(0, 5).join(", ")}${more}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

export const bisyncMode: Mode<BisyncMachine> = {
  name: "bisync",
  machine: bisyncMachine,
  syncContext: (context) => context,
  build: (kit) => ({ machine: bisyncMachine.provide({ actors: bisyncEffects(kit) }), started: {} }),
  cycleLines(cycle) {
    const dry = cycle.request.dryRun;
    const oneWay = cycle.request.direction === "push" ? "push" : "pull";
    const rerun =
      cycle.rerunOf && cycle.rerunOf.length > 0 ? [`  ${changedLine(cycle.rerunOf, "ran again")}`] : [];
    return [...rerun, ...bisyncLines(cycle.bisync, dry), ...stepLines(oneWay, cycle.transfer, dry)];
  },
  lastCycleLines: () => [],
  conflicts: (cycle) => cycle?.bisync?.conflicts ?? [],
  resyncNeeded: (context) => context.resyncNeeded,
  totals: (context) => ({ arrivals: 0, conflicts: context.conflictsTotal }),
  arrivals: () => [],
  eventDetail(event, dryRun = false) {
    const { conflicts, changedDuringRun } = event;
    const stats = statsOf(event.stats);
    if (Array.isArray(changedDuringRun) && changedDuringRun.length > 0 && stats !== null) {
      return `${statsLine(stats, dryRun)}; ${changedLine(changedDuringRun.map(String), "running again")}`;
    }
    if (!Array.isArray(conflicts) || conflicts.length === 0 || stats === null) return null;
    const paths = conflicts.map((c) => (isRecord(c) ? String(c.path) : ""));
    return `${statsLine(stats, dryRun)}; ${paths.length} conflicts: ${paths.slice(0, 5).join(", ")}`;
  },
};
