import { afterEach, describe, expect, it, vi } from "vitest";
import {
  effectiveInterval,
  isBusy,
  nextTimerDeadline,
  timerSeconds,
  watchSafetyNetSeconds,
} from "../../src/runtime/workspace/interval.js";
import { IntervalTimer } from "../../src/runtime/workspace/timer.js";

const minute = 60_000;

describe("the interval timer's deadline", () => {
  it("is due at once for a workspace that never synced", () => {
    expect(nextTimerDeadline({ startedAt: null, lastCycle: null }, false, minute)).toBe(0);
  });

  it("is the interval after the later of the last cycle's end and the last try's start", () => {
    const lastCycle = { startedAt: 1_000, finishedAt: 5_000 };
    expect(nextTimerDeadline({ startedAt: null, lastCycle }, false, minute)).toBe(5_000 + minute);
    // A cycle that failed after it: counted from its start, so a failing remote is not hammered.
    expect(nextTimerDeadline({ startedAt: 9_000, lastCycle }, false, minute)).toBe(9_000 + minute);
  });

  it("is none while busy or without an interval", () => {
    expect(nextTimerDeadline({ startedAt: 1 }, true, minute)).toBeNull();
    expect(nextTimerDeadline({ startedAt: 1 }, false, 0)).toBeNull();
    expect(isBusy({ running: "pushing" })).toBe(true);
    expect(isBusy("recovering")).toBe(true);
    expect(isBusy("idle")).toBe(false);
    expect(isBusy("failed")).toBe(false);
  });

  it("while watching: fullSyncInterval, else interval, else an hourly full cycle (the watcher can miss changes silently)", () => {
    const sync = { interval: 0, watch: true, mode: "mailbox" };
    expect(watchSafetyNetSeconds).toBe(3600);
    expect(timerSeconds(sync)).toBe(3600);
    expect(timerSeconds({ ...sync, interval: 300 })).toBe(300);
    expect(timerSeconds({ ...sync, interval: 300, fullSyncInterval: 7200 })).toBe(7200);
    // Turned off only when a person says so.
    expect(timerSeconds({ ...sync, fullSyncInterval: 0 })).toBe(0);
    // Not watching (or a mirror, which never watches): the interval alone, 0 = no timer.
    expect(timerSeconds({ ...sync, watch: false })).toBe(0);
    expect(timerSeconds({ ...sync, mode: "mirror", fullSyncInterval: 600 })).toBe(0);
  });

  it("raises an interval below 60 s, with a warning", () => {
    const warnings: string[] = [];
    expect(effectiveInterval(10, (w) => warnings.push(w))).toBe(minute);
    expect(warnings[0]).toContain("60");
    expect(effectiveInterval(0, (w) => warnings.push(w))).toBe(0);
    expect(effectiveInterval(300, (w) => warnings.push(w))).toBe(5 * minute);
    expect(warnings).toHaveLength(1);
  });
});

describe("IntervalTimer", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("fires once for a deadline missed several times over while the host was down, as `startup`", () => {
    vi.useFakeTimers({ now: 10 * minute });
    const fired: string[] = [];
    const timer = new IntervalTimer({ intervalMs: minute, now: Date.now, fire: (s) => fired.push(s) });
    // Last cycle ended 5 intervals ago.
    timer.update("idle", { lastCycle: { startedAt: 4 * minute, finishedAt: 5 * minute } });
    vi.advanceTimersByTime(0);
    expect(fired).toEqual(["startup"]);
    // The cycle runs (busy: nothing armed), then ends now: the next one is one interval later.
    timer.update({ running: "pushing" }, { startedAt: Date.now() });
    vi.advanceTimersByTime(10 * minute);
    expect(fired).toEqual(["startup"]);
    const end = Date.now();
    timer.update("idle", { lastCycle: { startedAt: end - 1000, finishedAt: end } });
    vi.advanceTimersByTime(minute - 1);
    expect(fired).toEqual(["startup"]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["startup", "timer"]);
    timer.stop();
  });

  it("a deadline still ahead at start fires as `timer`, and never after stop", () => {
    vi.useFakeTimers({ now: 10 * minute });
    const fired: string[] = [];
    const timer = new IntervalTimer({ intervalMs: minute, now: Date.now, fire: (s) => fired.push(s) });
    timer.update("idle", { lastCycle: { finishedAt: 9 * minute + 1000 } }); // due 1 s from now
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(["timer"]);
    timer.update("idle", { lastCycle: { finishedAt: Date.now() } });
    timer.stop();
    vi.advanceTimersByTime(5 * minute);
    expect(fired).toEqual(["timer"]);
  });
});
