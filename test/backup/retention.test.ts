/**
 * Retention against restic: the vectors derived from restic's own golden files, read from
 * `../shared/retention/restic-policy-cases.json` beside the repository (never copied into it).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  applyRetention,
  isoWeek,
  localFields,
  periodKey,
  type RetentionPolicy,
} from "../../src/backup/retention.js";
import { messageOf } from "../../src/util/errors.js";
import { sharedPath } from "../support/shared-dir.js";

interface Vectors {
  snapshots: string[];
  cases: { restic_case: number; policy: RetentionPolicy; keep: string[] }[];
}

const vectorsPath = sharedPath("retention", "restic-policy-cases.json");

function readVectors(path: string): Vectors {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Vectors;
  } catch (error) {
    throw new Error(`cannot read the restic retention vectors at ${path}: ${messageOf(error)}`);
  }
}

const vectors: Vectors = vectorsPath === undefined ? { snapshots: [], cases: [] } : readVectors(vectorsPath);
const snapshots = vectors.snapshots.map((time, order) => ({ time, order }));

describe.skipIf(vectorsPath === undefined)("retention against restic's golden files", () => {
  it.each(vectors.cases.map((c) => [c.restic_case, c] as const))("restic case %i", (_n, c) => {
    const decision = applyRetention(snapshots, c.policy);
    const emptyPolicy = Object.values(c.policy).every((n) => n === undefined || n === 0);
    // An empty policy keeps everything: restic removes nothing (its golden file lists no kept snapshots).
    const expected = emptyPolicy ? decision.keep.map((s) => s.time) : c.keep;
    if (emptyPolicy) expect(decision.keep).toHaveLength(snapshots.length);
    expect(decision.keep.map((s) => Date.parse(s.time))).toEqual(expected.map((t) => Date.parse(t)));
    expect(decision.keep.length + decision.remove.length).toBe(snapshots.length);
  });
});

describe("retention (restic's semantics)", () => {
  it("keeps the newest N for a plain number, and never drops the newest", () => {
    const times = ["2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-02T00:00:00Z"].map((time) => ({
      time,
    }));
    const decision = applyRetention(times, { last: 1 });
    expect(decision.keep.map((s) => s.time)).toEqual(["2026-01-03T00:00:00Z"]);
    expect(decision.remove.map((s) => s.time)).toEqual(["2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"]);
  });

  it("buckets a snapshot by its own offset, as restic does with the snapshot's zone", () => {
    // 23:30 on the 1st in UTC-02:00 is the 2nd in UTC: different days locally.
    expect(localFields("2026-03-01T23:30:00-02:00")).toEqual({ year: 2026, month: 3, day: 1, hour: 23 });
    expect(periodKey("daily", "2026-03-01T23:30:00-02:00", 0)).toBe(20260301);
    expect(periodKey("daily", "2026-03-02T01:30:00Z", 0)).toBe(20260302);
  });

  it("numbers weeks as ISO 8601 (as Go's ISOWeek)", () => {
    expect(isoWeek(2021, 1, 3)).toEqual({ year: 2020, week: 53 });
    expect(isoWeek(2021, 1, 4)).toEqual({ year: 2021, week: 1 });
    expect(isoWeek(2024, 12, 30)).toEqual({ year: 2025, week: 1 });
    expect(isoWeek(2015, 12, 31)).toEqual({ year: 2015, week: 53 });
  });

  it("keeps the oldest snapshot with a bucket that has count left, and reports reasons", () => {
    const list = ["2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z", "2026-01-01T12:00:00Z"].map((time) => ({
      time,
    }));
    const decision = applyRetention(list, { daily: 5 });
    expect(decision.keep.map((s) => s.time)).toEqual(["2026-01-01T12:00:00Z", "2026-01-01T10:00:00Z"]);
    expect(decision.reasons).toEqual([["daily"], ["daily"]]);
  });
});
