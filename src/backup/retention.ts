/**
 * Which snapshots a retention policy keeps, with restic's semantics (`restic forget --keep-*`, 0.16+):
 * snapshots newest first; one bucket per rule with its own count (-1 = unlimited); a bucket keeps a
 * snapshot when the snapshot's period differs from the last period that bucket kept, and also keeps the
 * oldest snapshot while it has count left; one reason is enough and counts overlap. Pure.
 */
import type { BackupRetain } from "../config/backup.js";

export type RetentionRule = "last" | "hourly" | "daily" | "weekly" | "monthly" | "yearly";
export const retentionRules: readonly RetentionRule[] = [
  "last",
  "hourly",
  "daily",
  "weekly",
  "monthly",
  "yearly",
];

export type RetentionPolicy = Partial<Record<RetentionRule, number>>;

export interface Dated {
  /** ISO 8601 time with its offset (`2026-11-21T10:15:30.123+01:00`, or `Z`). */
  time: string;
}

export interface RetentionDecision<T extends Dated> {
  /** Newest first. */
  keep: T[];
  remove: T[];
  /** Why each kept snapshot is kept (rule names), in `keep` order. */
  reasons: RetentionRule[][];
}

export function policyOf(retain: BackupRetain): RetentionPolicy {
  return typeof retain === "number" ? { last: retain } : retain;
}

/** `n` as restic counts it: 0 or missing turns the rule off, -1 is unlimited. */
function isOn(count: number | undefined): count is number {
  return count !== undefined && count !== 0;
}

/** The wall-clock fields of `time` in its own offset (restic buckets a snapshot in its own time zone). */
export function localFields(time: string): { year: number; month: number; day: number; hour: number } {
  const epoch = Date.parse(time);
  if (Number.isNaN(epoch)) throw new RangeError(`not an ISO time: ${JSON.stringify(time)}`);
  const zone = /(?:([+-])(\d{2}):?(\d{2})|Z)$/i.exec(time);
  const sign = zone?.[1] === "-" ? -1 : 1;
  const offsetMinutes = zone?.[1] ? sign * (Number(zone[2]) * 60 + Number(zone[3])) : 0;
  const local = new Date(epoch + offsetMinutes * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
  };
}

/** ISO 8601 week-numbering year and week of a calendar date (as Go's `Time.ISOWeek`). */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  // The Thursday of this week decides the year.
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const isoYear = date.getUTCFullYear();
  const firstDay = Date.UTC(isoYear, 0, 1);
  const week = Math.floor((date.getTime() - firstDay) / 86_400_000 / 7) + 1;
  return { year: isoYear, week };
}

/** The period a snapshot falls in for a rule; `last` gives every snapshot its own period. */
export function periodKey(rule: RetentionRule, time: string, index: number): number {
  if (rule === "last") return index;
  const { year, month, day, hour } = localFields(time);
  switch (rule) {
    case "hourly":
      return year * 1_000_000 + month * 10_000 + day * 100 + hour;
    case "daily":
      return year * 10_000 + month * 100 + day;
    case "weekly": {
      const week = isoWeek(year, month, day);
      return week.year * 100 + week.week;
    }
    case "monthly":
      return year * 100 + month;
    case "yearly":
      return year;
  }
}

/** Newest first; equal times keep their given order (a stable sort, as restic's). */
export function newestFirst<T extends Dated>(snapshots: readonly T[]): T[] {
  return snapshots
    .map((snapshot, order) => ({ snapshot, order, at: Date.parse(snapshot.time) }))
    .sort((a, b) => b.at - a.at || a.order - b.order)
    .map((entry) => entry.snapshot);
}

/** Apply `policy` to `snapshots`. An empty policy keeps everything (as restic removes nothing). */
export function applyRetention<T extends Dated>(
  snapshots: readonly T[],
  policy: RetentionPolicy,
): RetentionDecision<T> {
  const sorted = newestFirst(snapshots);
  const rules = retentionRules.filter((rule) => isOn(policy[rule]));
  if (rules.length === 0) {
    return { keep: sorted, remove: [], reasons: sorted.map(() => []) };
  }
  const buckets = rules.map((rule) => ({ rule, left: policy[rule] ?? 0, last: Number.NaN }));
  const decision: RetentionDecision<T> = { keep: [], remove: [], reasons: [] };
  sorted.forEach((snapshot, index) => {
    const why: RetentionRule[] = [];
    const oldest = index === sorted.length - 1;
    for (const bucket of buckets) {
      if (bucket.left === 0) continue;
      const key = periodKey(bucket.rule, snapshot.time, index);
      if (key !== bucket.last || oldest) {
        bucket.last = key;
        if (bucket.left > 0) bucket.left--;
        why.push(bucket.rule);
      }
    }
    if (why.length > 0) {
      decision.keep.push(snapshot);
      decision.reasons.push(why);
    } else {
      decision.remove.push(snapshot);
    }
  });
  return decision;
}
