/** `log`: filters (--since, --state, --errors) and the compact timeline, on logs the real CLI wrote. */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  filterRecords,
  formatCompactTimeline,
  parseSince,
  stateMatches,
  took,
} from "../../src/cli/timeline.js";
import type { LogRecord } from "../../src/log/event-log.js";
import { createSandbox, type Sandbox } from "../support/sandbox.js";

const record = (seq: number, at: string, type: string, state: unknown, extra = {}): LogRecord => ({
  seq,
  at,
  event: { type, ...extra },
  state,
});

describe("log filters and timeline", () => {
  const records = [
    record(1, "2026-11-20T23:59:59.000Z", "hostStarted", "idle", { pid: 7 }),
    record(2, "2026-11-21T00:00:00.250Z", "syncRequested", { running: "locking" }, { source: "cli" }),
    record(3, "2026-11-21T00:00:01.750Z", "lockHeld", "recovering", {
      error: { kind: "lock-held", message: "another cycle runs" },
    }),
    record(4, "2026-11-21T00:02:01.750Z", "retryDue", { running: "locking" }),
  ];

  it("reads --since as a duration back or a date/time, and names what it accepts", () => {
    const now = Date.parse("2026-11-21T12:00:00Z");
    expect(parseSince("10m", now)).toBe(now - 600_000);
    expect(parseSince("2h", now)).toBe(now - 7_200_000);
    expect(parseSince("1w", now)).toBe(now - 7 * 86_400_000);
    expect(parseSince("2026-11-21T10:00:00Z", now)).toBe(Date.parse("2026-11-21T10:00:00Z"));
    expect(() => parseSince("yesterday", now)).toThrow(/--since must be a duration .* \(got "yesterday"\)/);
  });

  it("matches a state, a state inside it, or a leaf by its own name", () => {
    expect(stateMatches("running.locking", "running")).toBe(true);
    expect(stateMatches("running.locking", "locking")).toBe(true);
    expect(stateMatches("running.locking", "running.locking")).toBe(true);
    expect(stateMatches("running.locking", "run")).toBe(false);
    expect(stateMatches("idle", "running")).toBe(false);
  });

  it("filters by time, state and failures", () => {
    const seqs = (filter: Parameters<typeof filterRecords>[1]) =>
      filterRecords(records, filter).map((r) => r.seq);
    expect(seqs({ since: Date.parse("2026-11-21T00:00:00Z") })).toEqual([2, 3, 4]);
    expect(seqs({ state: "running" })).toEqual([2, 4]);
    expect(seqs({ errors: true })).toEqual([3]);
    expect(seqs({ state: "running", since: Date.parse("2026-11-21T00:01:00Z") })).toEqual([4]);
  });

  it("prints one compact line per event: the date and zone when they change, durations, failures marked", () => {
    expect(took(250)).toBe("+250ms");
    expect(took(1500)).toBe("+1.5s");
    expect(took(120_000)).toBe("+2m00s");
    expect(formatCompactTimeline(records, records, { utc: true }).split("\n")).toEqual([
      "2026-11-20 23:59:59.000 UTC  #1  hostStarted              → idle             pid 7",
      "2026-11-21 00:00:00.250 UTC  #2  syncRequested     +1.3s  → running.locking  from cli",
      "           00:00:01.750      #3  lockHeld          +1.5s  → recovering       ✗ lock-held: another cycle runs",
      "           00:02:01.750      #4  retryDue         +2m00s  → running.locking",
    ]);
  });
});

describe("log: a dry run's steps say what would happen", () => {
  const stats = (transfers: number) => ({ stats: { bytes: transfers, transfers, deletes: 0 } });
  it("its counts read 'would', through a retry; the real cycle after it reads as done", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 10, 21, 0, 0, s)).toISOString();
    const records = [
      record(1, at(0), "syncRequested", { running: "locking" }, { source: "cli", dryRun: true }),
      record(2, at(1), "lockHeld", "recovering", { error: { kind: "lock-held", message: "held" } }),
      record(3, at(2), "retryDue", { running: "locking" }),
      record(4, at(3), "lockAcquired", { running: "pushing" }),
      record(5, at(4), "pushDone", { running: "draining" }, { ...stats(2), changes: [], changeCount: 2 }),
      record(6, at(5), "drainDone", "idle", { arrivals: ["a.txt"], renamed: [], ...stats(1) }),
      record(7, at(6), "syncRequested", { running: "locking" }, { source: "cli" }),
      record(8, at(7), "lockAcquired", { running: "pushing" }),
      record(9, at(8), "pushDone", { running: "draining" }, { ...stats(2), changes: [], changeCount: 2 }),
      record(10, at(9), "drainDone", "idle", { arrivals: ["a.txt"], renamed: [], ...stats(1) }),
    ];
    const lines = formatCompactTimeline(records, records, { utc: true }).split("\n");
    expect(lines[4]).toMatch(/pushDone .* 2 would transfer \(2 B\)$/);
    expect(lines[5]).toMatch(/drainDone .* 1 would arrive: a\.txt$/);
    expect(lines[8]).toMatch(/pushDone .* 2 transferred \(2 B\)$/);
    expect(lines[9]).toMatch(/drainDone .* 1 arrived: a\.txt$/);
  });
});

describe("log on a real history", () => {
  let box: Sandbox;
  beforeAll(async () => {
    box = await createSandbox();
    await writeFile(join(box.shared, "a.txt"), "a");
    expect((await box.cli("sync")).code).toBe(0);
    // The remote folder is a file now: the next sync fails, and the log says why.
    await rm(box.remoteDir, { recursive: true });
    await writeFile(box.remoteDir, "not a folder");
    expect((await box.cli("sync")).code).toBe(1);
  }, 120_000);
  afterAll(() => box?.cleanup());

  it("--errors shows only the failures, with their reason", async () => {
    const result = await box.cli("log", "--errors");
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(1);
    for (const line of lines)
      expect(line).toMatch(/Failed .*→ (failed|recovering) +✗ \w[\w-]*: .*not a directory/);
    const json = JSON.parse((await box.cli("log", "--errors", "--json")).stdout) as LogRecord[];
    expect(json.length).toBe(lines.length);
    for (const r of json)
      expect(r.event.error).toMatchObject({ kind: expect.any(String), message: expect.any(String) });
  });

  it("--state and --since select, --limit keeps the newest matching", async () => {
    const all = JSON.parse((await box.cli("log", "--json", "--limit", "1000")).stdout) as LogRecord[];
    const pushing = JSON.parse((await box.cli("log", "--json", "--state", "pushing")).stdout) as LogRecord[];
    expect(pushing.map((r) => r.seq)).toEqual(
      all.filter((r) => JSON.stringify(r.state).includes('"pushing"')).map((r) => r.seq),
    );
    expect(pushing.length).toBeGreaterThanOrEqual(1);
    const newest = JSON.parse(
      (await box.cli("log", "--json", "--state", "idle", "--limit", "1")).stdout,
    ) as LogRecord[];
    expect(newest).toHaveLength(1);
    expect(newest[0]?.seq).toBe(all.filter((r) => r.state === "idle").at(-1)?.seq);
    expect(JSON.parse((await box.cli("log", "--json", "--since", "1h")).stdout)).toHaveLength(all.length);
    expect((await box.cli("log", "--since", "2999-01-01")).stdout.trim()).toBe("no events match");
    const bad = await box.cli("log", "--since", "soon");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since must be a duration");
  });
});
