/** `status` for people: one block of lines. */
import type { TransferStats } from "../../machines/outcomes.js";
import { type BackupPlan, backupScheduleLine } from "../config/backup.js";
import { arrowOf, lastCycleLines, type StatusReport } from "../runtime/workspace/status.js";
import { runnable } from "../util/command.js";
import { failureLine, statsLine } from "../util/text.js";
import { localTime } from "../util/time.js";

export function formatStatus(report: StatusReport): string {
  const lines = [
    `workspace  ${report.workspace}`,
    `synced     ${report.localDir}${report.wholeWorkspace ? " (the whole workspace; .workspace-sync/ stays out)" : ""}  ${arrowOf(report.mode)}  ${report.remote}  (${report.mode}, ${report.provider})`,
    `state      ${report.state}${report.pending ? " (a follow-up cycle is queued)" : ""}`,
    `host       ${report.host ? `running, pid ${report.host.pid} since ${localTime(report.host.startedAt)}` : "not running"}`,
    `rclone     ${report.rclone ?? "not run yet"}`,
  ];
  const cycle = report.lastCycle;
  if (cycle) {
    const way =
      cycle.direction === "both"
        ? ""
        : `, one way ${cycle.direction} (${arrowOf(report.mode, cycle.direction)})`;
    lines.push(
      `last sync  ${localTime(cycle.finishedAt)} (${cycle.durationMs} ms, ${cycle.sources.join("+")}${way})`,
    );
    for (const [name, step] of Object.entries(cycle)) {
      if (!isStep(step)) continue;
      lines.push(`  ${name.padEnd(8)} ${statsLine(step.stats)}`);
    }
    lines.push(...lastCycleLines(report));
  } else {
    lines.push("last sync  never");
  }
  lines.push(...guardLines(report));
  if (report.lastError && report.resyncNeeded === null)
    lines.push(`last error ${failureLine(report.lastError)}`);
  if (report.retryAt) {
    // Only a running host retries: without one, the time is when the next try is due, not a promise.
    const who = report.host ? "" : `; no host runs to retry it: run ${runnable("sync")} or start the daemon`;
    lines.push(`retry      due ${localTime(report.retryAt)} (attempt ${report.attempt})${who}`);
  }
  // The next run (timer or retry) is the one line `status` prints after this block.
  lines.push(
    `totals     ${report.totals.cycles} cycles, ${report.totals.failures} failures, ${report.totals.arrivals} arrivals, ${report.totals.conflicts} conflicts; ${report.events} events logged`,
  );
  for (const warning of report.warnings) lines.push(`warning    ${warning}`);
  return lines.join("\n");
}

function isStep(value: unknown): value is { stats: TransferStats } {
  return typeof value === "object" && value !== null && "stats" in value && "changeCount" in value;
}

/** Halts, a needed resync and the last cycle's conflicts: what waits for a person. */
function guardLines(report: StatusReport): string[] {
  const lines: string[] = [];
  if (report.halt) {
    lines.push(`halted     ${report.halt.reason}: ${report.halt.message}`);
    lines.push(`           ${report.halt.hint}`);
  }
  if (report.resyncNeeded) {
    lines.push(`resync     needed: ${report.resyncNeeded.message}`);
    if (report.resyncNeeded.hint) lines.push(`           ${report.resyncNeeded.hint}`);
    lines.push(`           run: ${report.resyncNeeded.command}`);
  }
  if (report.quarantine) {
    const { dir, files } = report.quarantine;
    lines.push(
      `quarantine ${files} file${files === 1 ? "" : "s"} in ${dir}: arrivals that could not be delivered into _inbox`,
    );
    lines.push("           (see `log` for why); move each where it belongs, then delete it from there");
  }
  for (const c of report.conflicts) {
    const who = c.winner ? `${c.winner} kept the name` : `${c.policy} kept the name`;
    lines.push(`conflict   ${c.path}: ${who}, the other is ${c.loser}`);
  }
  return lines;
}

/** The backup line of `status`: disabled by a problem (and why), or its schedule and whether it is sealed. */
export function backupPlanLine(plan: BackupPlan): string | null {
  if (!plan.configured) return null;
  if (plan.error !== null) return `backup     DISABLED: ${plan.error}`;
  const schedule = backupScheduleLine({ enabled: plan.enabled, interval: plan.intervalSeconds ?? 0 });
  const sealed = plan.encrypted ? "encrypted" : "UNENCRYPTED (`backup.encrypt` is false)";
  return `backup     ${sealed}; schedule ${schedule}`;
}
