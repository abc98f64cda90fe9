/**
 * Times for people: one format everywhere a person reads a time (local time with its zone, to the second),
 * while JSON carries ISO 8601. `TZ` decides the zone, as for any program.
 */

const pad = (n: number, width = 2) => String(Math.trunc(Math.abs(n))).padStart(width, "0");

/** `+01:00`, `-05:30`, or `UTC` where local time is UTC. */
export function zoneOf(date: Date): string {
  const offset = -date.getTimezoneOffset();
  if (offset === 0) return "UTC";
  return `${offset < 0 ? "-" : "+"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function toDate(at: number | string | Date): Date | null {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * `2026-12-02 07:59:02 +01:00`: local date and time with the zone; `-` for no time. A value that is no time
 * comes back as text.
 */
export function localTime(at: number | string | Date | null | undefined): string {
  if (at === null || at === undefined) return "-";
  const date = toDate(at);
  if (date === null) return String(at);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day} ${time} ${zoneOf(date)}`;
}

/** ISO 8601 (UTC) for JSON; null stays null. */
export function isoTime(at: number | string | Date | null | undefined): string | null {
  if (at === null || at === undefined) return null;
  const date = toDate(at);
  return date === null ? null : date.toISOString();
}

/** How far ahead `at` is from `now`, for people: `in 40 s`, `in 3 min`, `now`. */
export function inHowLong(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  if (seconds <= 0) return "now";
  if (seconds < 120) return `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 120 ? `in ${minutes} min` : `in ${Math.round(minutes / 60)} h`;
}

/** A key that holds a time: `at`, or one ending in `At` (`startedAt`, `retryAt`, `nextDueAt`). */
const timeKey = /^(at|[a-z][A-Za-z]*At)$/;
/** Epoch milliseconds from 2001 to 2286: a number under a time key in that range is a time. */
const epochMs = (value: number) => Number.isInteger(value) && value >= 1e12 && value < 1e13;

/**
 * `value` for `--json`: every epoch-millisecond number under a time key (`at`, `startedAt`, ...) becomes ISO
 * 8601; everything else as it was. The event log keeps epoch numbers; what a command prints never does.
 */
export function isoTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(isoTimes);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      typeof item === "number" && timeKey.test(key) && epochMs(item)
        ? new Date(item).toISOString()
        : isoTimes(item);
  }
  return out;
}
