/** Plain-text views for people: one status block, one timeline line per event. */
import type { FailureReason, TransferStats } from "../../machines/outcomes.js";
import type { LogRecord } from "../log/event-log.js";
import { type StatusReport, stateName } from "../runtime/workspace/status.js";

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function statsLine(stats: TransferStats): string {
  const parts = [`${stats.transfers} transferred (${bytes(stats.bytes)})`];
  if (stats.deletes > 0) parts.push(`${stats.deletes} deleted`);
  if (stats.renames > 0) parts.push(`${stats.renames} moved`);
  if (stats.errors > 0) parts.push(`${stats.errors} errors`);
  return parts.join(", ");
}

export function failureLine(error: FailureReason): string {
  return `${error.kind}: ${error.message}${error.hint ? ` (${error.hint})` : ""}`;
}

export function formatStatus(report: StatusReport): string {
  const lines = [
    `workspace  ${report.workspace}`,
    `synced     ${report.localDir}  <->  ${report.remote}  (${report.mode}, ${report.provider})`,
    `state      ${report.state}${report.pending ? " (a follow-up cycle is queued)" : ""}`,
    `host       ${report.host ? `running, pid ${report.host.pid} since ${report.host.startedAt}` : "not running"}`,
    `rclone     ${report.rclone ?? "not run yet"}`,
  ];
  const cycle = report.lastCycle;
  if (cycle) {
    lines.push(`last sync  ${cycle.finishedAt} (${cycle.durationMs} ms, ${cycle.sources.join("+")})`);
    for (const [name, step] of Object.entries(cycle)) {
      if (!isStep(step)) continue;
      lines.push(`  ${name.padEnd(8)} ${statsLine(step.stats)}`);
    }
    if ("drain" in cycle && cycle.drain) {
      const names = cycle.drain.arrivals;
      lines.push(
        `  drain    ${names.length} arrived${names.length ? `: ${names.slice(0, 5).join(", ")}` : ""}`,
      );
    }
  } else {
    lines.push("last sync  never");
  }
  lines.push(...guardLines(report));
  if (report.lastError && report.resyncNeeded === null)
    lines.push(`last error ${failureLine(report.lastError)}`);
  if (report.retryAt) lines.push(`retry      at ${report.retryAt} (attempt ${report.attempt})`);
  if (report.nextTimerAt) lines.push(`next sync  ${report.nextTimerAt} (interval timer)`);
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
  for (const c of report.conflicts) {
    const who = c.winner ? `${c.winner} kept the name` : `${c.policy} kept the name`;
    lines.push(`conflict   ${c.path}: ${who}, the other is ${c.loser}`);
  }
  return lines;
}

/** What an event says beyond its type: the failure, a halt, conflicts, what moved, who asked. */
export function eventDetail(event: LogRecord["event"]): string {
  const e = event as Record<string, unknown>;
  if (e.error && typeof e.error === "object") return failureLine(e.error as FailureReason);
  if (e.halt && typeof e.halt === "object") {
    const halt = e.halt as { reason: string; message: string };
    return `halted (${halt.reason}): ${halt.message}`;
  }
  if (Array.isArray(e.conflicts) && e.conflicts.length > 0) {
    const names = (e.conflicts as { path: string }[]).map((c) => c.path);
    return `${statsLine(e.stats as TransferStats)}; ${names.length} conflicts: ${names.slice(0, 5).join(", ")}`;
  }
  if (/Done$/.test(event.type) && e.stats && typeof e.stats === "object" && !Array.isArray(e.arrivals)) {
    return statsLine(e.stats as TransferStats);
  }
  if (event.type === "pushDone" || event.type === "drainDone") {
    const stats = e.stats as TransferStats | undefined;
    const arrivals = Array.isArray(e.arrivals) ? e.arrivals : null;
    const base = stats ? statsLine(stats) : "";
    return arrivals
      ? `${arrivals.length} arrived${arrivals.length ? `: ${arrivals.slice(0, 5).join(", ")}` : ""}`
      : base;
  }
  if (event.type === "syncRequested") {
    const dry = `${e.dryRun ? ", dry run" : ""}${e.force ? ", forced" : ""}${e.resync ? ", resync" : ""}`;
    return `from ${String(e.source)}${e.direction && e.direction !== "both" ? `, ${String(e.direction)} only` : ""}${dry}`;
  }
  if (event.type === "backupRequested") return `from ${String(e.source)}`;
  if (event.type === "uploadDone" && e.manifest && typeof e.manifest === "object") {
    const m = e.manifest as { id?: unknown; files?: unknown; object?: { bytes?: unknown } };
    return `${String(m.id)}: ${String(m.files)} files, ${bytes(Number(m.object?.bytes ?? 0))} sent`;
  }
  if (event.type === "hostStarted" || event.type === "hostStopped") return `pid ${String(e.pid)}`;
  return "";
}

export function formatTimeline(records: readonly LogRecord[]): string {
  return records
    .map((r) => {
      const detail = eventDetail(r.event);
      return `${r.at}  #${String(r.seq).padStart(5)}  ${r.event.type.padEnd(15)} → ${stateName(r.state).padEnd(20)} ${detail}`.trimEnd();
    })
    .join("\n");
}
