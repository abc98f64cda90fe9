/**
 * `log` for people: filters (`--since`, `--state`, `--errors`) and a compact timeline, one line per event:
 * the date and the time zone only when they change, the time, the seq, the event, how long the state before it lasted, the
 * resulting state, and what the event says (a failure marked `✗`).
 */
import type { LogRecord } from "../log/event-log.js";
import { eventDetail } from "../runtime/event-detail.js";
import { stateName } from "../util/state-name.js";
import { zoneOf } from "../util/time.js";
import { CliError, ExitCode } from "./errors.js";

export interface LogFilter {
  /** Only events logged at or after this time (epoch ms). */
  since?: number;
  /** Only events whose resulting state is this one or inside it (`running`, `running.pushing`, `pushing`). */
  state?: string;
  /** Only events that report a failure. */
  errors?: boolean;
}

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--since`: a duration back from now (`30s`, `10m`, `2h`, `3d`, `1w`) or a date/time (`2026-11-21T10:00`). */
export function parseSince(value: string, now: number = Date.now()): number {
  const relative = /^(\d+)\s*([smhdw])$/.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (units[relative[2] ?? "s"] ?? 1000);
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new CliError(
      `--since must be a duration (30s, 10m, 2h, 3d, 1w) or a date/time like 2026-11-21 or 2026-11-21T10:00 (got "${value}")`,
      ExitCode.usage,
    );
  }
  return at;
}

export function hasError(record: LogRecord): boolean {
  const error = record.event.error;
  return error !== null && typeof error === "object";
}

/** `pushing` matches `running.pushing`; `running` matches `running` and everything inside it. */
export function stateMatches(state: string, wanted: string): boolean {
  const parts = state.split(".");
  const want = wanted.split(".");
  for (let i = 0; i + want.length <= parts.length; i++) {
    if (want.every((w, j) => parts[i + j] === w) && (i === 0 || want.length === 1)) return true;
  }
  return false;
}

export function filterRecords(records: readonly LogRecord[], filter: LogFilter): LogRecord[] {
  return records.filter(
    (r) =>
      (filter.since === undefined || Date.parse(r.at) >= filter.since) &&
      (filter.state === undefined || stateMatches(stateName(r.state), filter.state)) &&
      (filter.errors !== true || hasError(r)),
  );
}

export function took(ms: number): string {
  if (ms < 1000) return `+${ms}ms`;
  if (ms < 60_000) return `+${(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000)
    return `+${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, "0")}s`;
  return `+${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, "0")}m`;
}

export interface TimelineOptions {
  /** Show times in UTC instead of the local time zone. */
  utc?: boolean;
}

function dayAndTime(iso: string, utc: boolean): { day: string; time: string; zone: string } {
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const [y, mo, da, h, mi, s, ms] = utc
    ? [
        d.getUTCFullYear(),
        d.getUTCMonth() + 1,
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes(),
        d.getUTCSeconds(),
        d.getUTCMilliseconds(),
      ]
    : [
        d.getFullYear(),
        d.getMonth() + 1,
        d.getDate(),
        d.getHours(),
        d.getMinutes(),
        d.getSeconds(),
        d.getMilliseconds(),
      ];
  return {
    day: `${y}-${pad(mo)}-${pad(da)}`,
    time: `${pad(h)}:${pad(mi)}:${pad(s)}.${pad(ms, 3)}`,
    zone: utc ? "UTC" : zoneOf(d),
  };
}

/** Where a cycle is under way: running, or waiting to retry. */
const inCycle = (state: unknown) => /^(running|recovering)/.test(stateName(state));

/**
 * The seqs of records inside a dry run's cycle: from the `syncRequested` that started a cycle as a dry run
 * (its retries included) to the record that ended it. A follow-up cycle of queued requests counts as real
 * (the log does not say which they were; one real request among them makes it real).
 */
function dryRunSeqs(known: readonly LogRecord[]): Set<number> {
  const dry = new Set<number>();
  let cycleDry = false;
  let before: unknown = "idle";
  for (const r of [...known].sort((a, b) => a.seq - b.seq)) {
    const type = r.event.type;
    const wasRecovering = stateName(before) === "recovering";
    if (type === "syncRequested" && !inCycle(before)) cycleDry = r.event.dryRun === true;
    else if (type === "syncRequested" && wasRecovering) cycleDry = cycleDry && r.event.dryRun === true;
    else if (
      /Done$/.test(type) &&
      stateName(before).startsWith("running") &&
      stateName(r.state) === "running.locking"
    )
      cycleDry = false;
    if (cycleDry && (inCycle(r.state) || inCycle(before))) dry.add(r.seq);
    if (!inCycle(r.state)) cycleDry = false;
    before = r.state;
  }
  return dry;
}

/**
 * One line per record, oldest first. `known` holds records that may precede those shown (all that were
 * read): an event's duration is the time since the event just before it, shown when that one is known.
 */
export function formatCompactTimeline(
  records: readonly LogRecord[],
  known: readonly LogRecord[] = records,
  options: TimelineOptions = {},
): string {
  const bySeq = new Map(known.map((r) => [r.seq, r]));
  const dry = dryRunSeqs(known);
  const seqWidth = String(records.at(-1)?.seq ?? 0).length;
  const eventWidth = Math.max(0, ...records.map((r) => r.event.type.length));
  const stateWidth = Math.max(0, ...records.map((r) => stateName(r.state).length));
  const utc = options.utc === true;
  const zoneWidth = Math.max(0, ...records.map((r) => dayAndTime(r.at, utc).zone.length));
  let lastDay = "";
  return records
    .map((r) => {
      const { day, time, zone } = dayAndTime(r.at, utc);
      // The date and the zone when the day (or the zone) changes; blank below, so the times line up.
      const label = `${day} ${time} ${zone.padEnd(zoneWidth)}`;
      const shown =
        `${day} ${zone}` === lastDay ? `${" ".repeat(day.length)} ${time} ${" ".repeat(zoneWidth)}` : label;
      lastDay = `${day} ${zone}`;
      const before = bySeq.get(r.seq - 1);
      const gap = before === undefined ? "" : took(Date.parse(r.at) - Date.parse(before.at));
      const detail = eventDetail(r.event, dry.has(r.seq));
      const note = hasError(r) ? `✗ ${detail}` : detail;
      return [
        shown,
        `#${String(r.seq).padStart(seqWidth)}`,
        r.event.type.padEnd(eventWidth),
        gap.padStart(8),
        `→ ${stateName(r.state).padEnd(stateWidth)}`,
        note,
      ]
        .join("  ")
        .trimEnd();
    })
    .join("\n");
}
