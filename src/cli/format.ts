/** Plain-text views for people: one status block, one timeline line per event. */
import type { FailureReason, TransferStats } from "../../machines/outcomes.js";
import type { LogRecord } from "../log/event-log.js";
import { type StatusReport, stateName } from "./report.js";

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
    if (cycle.push) lines.push(`  push     ${statsLine(cycle.push.stats)}`);
    if (cycle.drain) {
      const names = cycle.drain.arrivals;
      lines.push(
        `  drain    ${names.length} arrived${names.length ? `: ${names.slice(0, 5).join(", ")}` : ""}`,
      );
    }
  } else {
    lines.push("last sync  never");
  }
  if (report.lastError) lines.push(`last error ${failureLine(report.lastError)}`);
  if (report.retryAt) lines.push(`retry      at ${report.retryAt} (attempt ${report.attempt})`);
  if (report.nextTimerAt) lines.push(`next sync  ${report.nextTimerAt} (interval timer)`);
  lines.push(
    `totals     ${report.totals.cycles} cycles, ${report.totals.failures} failures, ${report.totals.arrivals} arrivals; ${report.events} events logged`,
  );
  for (const warning of report.warnings) lines.push(`warning    ${warning}`);
  return lines.join("\n");
}

export function eventDetail(event: LogRecord["event"]): string {
  const e = event as Record<string, unknown>;
  if (e.error && typeof e.error === "object") return failureLine(e.error as FailureReason);
  if (event.type === "pushDone" || event.type === "drainDone") {
    const stats = e.stats as TransferStats | undefined;
    const arrivals = Array.isArray(e.arrivals) ? e.arrivals : null;
    const base = stats ? statsLine(stats) : "";
    return arrivals
      ? `${arrivals.length} arrived${arrivals.length ? `: ${arrivals.slice(0, 5).join(", ")}` : ""}`
      : base;
  }
  if (event.type === "syncRequested") {
    const dry = e.dryRun ? ", dry run" : "";
    return `from ${String(e.source)}${e.direction && e.direction !== "both" ? `, ${String(e.direction)} only` : ""}${dry}`;
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
