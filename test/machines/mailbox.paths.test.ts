/** The mailbox statechart, path by path, through XState's pure transition(): no effect runs. */
import { describe, expect, it } from "vitest";
import { type AnyMachineSnapshot, initialTransition, transition } from "xstate";
import { type MailboxContext, type MailboxEvent, mailboxMachine } from "../../machines/mailbox.js";
import { backoffDelay } from "../../machines/outcomes.js";
import { ev } from "./events.js";

function run(events: MailboxEvent[], from?: AnyMachineSnapshot) {
  let snapshot = from ?? initialTransition(mailboxMachine)[0];
  for (const event of events) snapshot = transition(mailboxMachine, snapshot, event)[0];
  return { snapshot, context: snapshot.context as MailboxContext };
}

const cycle = (at: number, arrivals: string[] = []) => [
  ev.locked(at),
  ev.pushed(at + 1),
  ev.drained(at + 2, arrivals),
];

describe("mailbox statechart", () => {
  it("runs locking → bootstrapping → pushing → draining → idle, and records the cycle", () => {
    const { snapshot, context } = run([
      ev.started(0),
      ev.sync(10, { requestId: "r1" }),
      ev.locked(11),
      ev.bootstrapped(12),
      ev.pushed(13, 4),
      ev.drained(14, ["a.txt"]),
    ]);
    expect(snapshot.value).toBe("idle");
    expect(context.bootstrapped).toBe(true);
    expect(context.lastCycle).toMatchObject({ startedAt: 10, finishedAt: 14, attempts: 1 });
    expect(context.lastCycle?.request.requestIds).toEqual(["r1"]);
    expect(context.lastCycle?.drain?.arrivals).toEqual(["a.txt"]);
    expect(context.arrivalsTotal).toBe(1);
    expect(context.totals.cycles).toBe(1);
  });

  it("bootstraps once per host start", () => {
    const first = run([ev.started(), ev.sync(1), ev.locked(), ev.bootstrapped(), ev.pushed(), ev.drained()]);
    const second = run([ev.sync(2), ev.locked(3)], first.snapshot);
    expect(second.snapshot.value).toEqual({ running: "pushing" });
    const restarted = run([ev.started(4), ev.sync(5), ev.locked(6)], first.snapshot);
    expect(restarted.snapshot.value).toEqual({ running: "bootstrapping" });
  });

  it("coalesces every request that arrives during a cycle into one follow-up cycle", () => {
    const busy = run([ev.started(), ev.sync(1, { requestId: "a" }), ev.locked(2), ev.bootstrapped(3)]);
    let during = busy;
    for (let i = 0; i < 100; i++)
      during = run([ev.sync(4, { requestId: `r${i}`, source: "timer" })], during.snapshot);
    expect(during.context.pending?.requestIds).toHaveLength(100);
    const after = run([ev.pushed(5), ev.drained(6)], during.snapshot);
    // Straight into exactly one follow-up cycle that serves all hundred.
    expect(after.snapshot.value).toEqual({ running: "locking" });
    expect(after.context.current?.requestIds).toHaveLength(100);
    expect(after.context.pending).toBeNull();
    const done = run(cycle(7), after.snapshot);
    expect(done.snapshot.value).toBe("idle");
    expect(done.context.totals.cycles).toBe(2);
  });

  it("a follow-up widens to the whole cycle and a real request wins over a dry run", () => {
    const busy = run([ev.started(), ev.sync(1, { direction: "push" }), ev.locked(2), ev.bootstrapped(3)]);
    const queued = run(
      [ev.sync(4, { direction: "pull", dryRun: true }), ev.sync(4, { direction: "pull" })],
      busy.snapshot,
    );
    expect(queued.context.pending).toMatchObject({ direction: "pull", dryRun: false });
    const mixed = run([ev.sync(4, { direction: "push", dryRun: true })], queued.snapshot);
    expect(mixed.context.pending).toMatchObject({ direction: "both", dryRun: false });
  });

  it("retries retryable failures with exponential backoff from the failure's time, then fails with the last reason", () => {
    const policy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 4000 };
    const a = run([
      ev.started(0, 3),
      ev.sync(10),
      ev.locked(11),
      ev.bootstrapped(12),
      ev.pushFailed("retryable", 100),
    ]);
    expect(a.snapshot.value).toBe("recovering");
    expect(a.context.retryAt).toBe(100 + backoffDelay(policy, 1));
    const b = run([ev.retryDue(1100), ev.locked(1101), ev.pushFailed("timeout", 1200)], a.snapshot);
    expect(b.snapshot.value).toBe("recovering");
    expect(b.context.attempt).toBe(2);
    expect(b.context.retryAt).toBe(1200 + 2000);
    const c = run([ev.retryDue(3200), ev.locked(3201), ev.pushFailed("retryable", 3300)], b.snapshot);
    expect(c.snapshot.value).toBe("failed");
    expect(c.context.lastError).toEqual({ kind: "retryable", message: "push retryable" });
    expect(c.context.totals.failures).toBe(3);
    // A new trigger leaves failed with a fresh first attempt.
    const d = run([ev.sync(4000)], c.snapshot);
    expect(d.snapshot.value).toEqual({ running: "locking" });
    expect(d.context.attempt).toBe(1);
  });

  it("caps the backoff delay", () => {
    expect(backoffDelay({ attempts: 10, baseDelayMs: 1000, maxDelayMs: 4000 }, 5)).toBe(4000);
  });

  it("does not retry what a retry cannot fix", () => {
    for (const failure of [ev.pushFailed("auth"), ev.pushFailed("fatal"), ev.pushFailed("needs-resync")]) {
      const { snapshot } = run([ev.started(), ev.sync(), ev.locked(), ev.bootstrapped(), failure]);
      expect(snapshot.value).toBe("failed");
    }
  });

  it("makes the mailbox folders again after a not-found", () => {
    const failed = run([
      ev.started(),
      ev.sync(),
      ev.locked(),
      ev.bootstrapped(),
      ev.pushed(),
      ev.drainFailed("not-found", 5),
    ]);
    expect(failed.context.bootstrapped).toBe(false);
    const retried = run([ev.retryDue(2000), ev.locked(2001)], failed.snapshot);
    expect(retried.snapshot.value).toEqual({ running: "bootstrapping" });
  });

  it("a held lock waits and retries", () => {
    const { snapshot, context } = run([ev.started(), ev.sync(), ev.lockHeld(5)]);
    expect(snapshot.value).toBe("recovering");
    expect(context.lastError?.kind).toBe("lock-held");
  });

  it("a request while recovering retries at once, serving both requests", () => {
    const waiting = run([ev.started(), ev.sync(0, { requestId: "a" }), ev.lockHeld(5)]);
    const now = run([ev.sync(6, { requestId: "b" })], waiting.snapshot);
    expect(now.snapshot.value).toEqual({ running: "locking" });
    expect(now.context.current?.requestIds).toEqual(["a", "b"]);
    expect(now.context.attempt).toBe(2);
  });

  it("a host restart during a cycle runs the cycle again from the lock, keeping its request", () => {
    const cut = run([ev.started(), ev.sync(1, { requestId: "a" }), ev.locked(2), ev.bootstrapped(3)]);
    expect(cut.snapshot.value).toEqual({ running: "pushing" });
    const resumed = run([ev.started(50)], cut.snapshot);
    expect(resumed.snapshot.value).toEqual({ running: "locking" });
    expect(resumed.context.current?.requestIds).toEqual(["a"]);
    expect(Object.keys(resumed.snapshot.children)).toEqual(["cycleLock"]);
  });

  it("a host restart while recovering keeps the retry deadline (timers survive restarts)", () => {
    const waiting = run([
      ev.started(),
      ev.sync(),
      ev.locked(),
      ev.bootstrapped(),
      ev.pushFailed("retryable", 100),
    ]);
    const resumed = run([ev.started(5000)], waiting.snapshot);
    expect(resumed.snapshot.value).toBe("recovering");
    expect(resumed.context.retryAt).toBe(waiting.context.retryAt);
  });

  it("a dry run changes nothing: no bootstrap, and the last real cycle stays", () => {
    const real = run([ev.started(), ev.sync(1), ev.locked(), ev.bootstrapped(), ev.pushed(), ev.drained(5)]);
    const fresh = run([ev.started(), ev.sync(1, { dryRun: true }), ev.locked(2)]);
    expect(fresh.snapshot.value).toEqual({ running: "pushing" });
    const dry = run([ev.sync(10, { dryRun: true }), ...cycle(11)], real.snapshot);
    expect(dry.context.lastCycle?.finishedAt).toBe(5);
    expect(dry.context.lastDryRun?.request.dryRun).toBe(true);
    expect(dry.context.totals.cycles).toBe(1);
  });

  it("direction push skips the drain, pull skips the push", () => {
    const base = run([ev.started(), ev.sync(), ev.locked(), ev.bootstrapped(), ev.pushed(), ev.drained()]);
    const push = run([ev.sync(1, { direction: "push" }), ev.locked(2), ev.pushed(3)], base.snapshot);
    expect(push.snapshot.value).toBe("idle");
    expect(push.context.lastCycle?.drain).toBeNull();
    const pull = run([ev.sync(4, { direction: "pull" }), ev.locked(5)], base.snapshot);
    expect(pull.snapshot.value).toEqual({ running: "draining" });
  });

  it("ignores outcome events that do not belong to the current state", () => {
    const idle = run([ev.started(), ev.pushed(), ev.drained(), ev.retryDue(), ev.locked()]);
    expect(idle.snapshot.value).toBe("idle");
    expect(idle.context.totals.cycles).toBe(0);
  });
});

describe("mailbox: changes the watcher saw outlive a failed cycle", () => {
  const failedOn = (paths: string[] | null) =>
    run([
      ev.started(0, 1),
      paths === null ? ev.sync(1, { direction: "push" }) : ev.changes(1, paths),
      ev.locked(2),
      ev.bootstrapped(3),
      ev.pushFailed("fatal", 4),
    ]);

  it("the next incremental cycle pushes the failed one's paths too", () => {
    const failed = failedOn(["a.txt", "b.txt"]);
    expect(failed.snapshot.value).toBe("failed");
    const next = run([ev.changes(10, ["c.txt"])], failed.snapshot);
    expect(next.snapshot.value).toEqual({ running: "locking" });
    expect(next.context.current).toMatchObject({ direction: "push", paths: ["a.txt", "b.txt", "c.txt"] });
    expect(next.context.current?.sources).toEqual(["watch"]);
  });

  it("a failed whole push makes the next push whole; a poll's drain widens to the whole cycle", () => {
    const whole = run([ev.changes(10, ["c.txt"])], failedOn(null).snapshot);
    expect(whole.context.current?.paths).toBeUndefined();
    const poll = run([ev.sync(10, { direction: "pull", source: "poll" })], failedOn(["a.txt"]).snapshot);
    expect(poll.context.current).toMatchObject({ direction: "both", paths: ["a.txt"] });
  });

  it("a dry run, a one-way sync and the failed cycle's callers and permissions do not carry over", () => {
    const failed = failedOn(["a.txt"]);
    const dry = run([ev.sync(10, { dryRun: true })], failed.snapshot);
    expect(dry.context.current).toMatchObject({ dryRun: true, direction: "both" });
    const oneWay = run([ev.sync(10, { direction: "pull", oneWay: true })], failed.snapshot);
    expect(oneWay.context.current).toMatchObject({ direction: "pull", oneWay: true });
    expect(oneWay.context.current?.paths).toBeUndefined();
    const forced = run([
      ev.started(0, 1),
      ev.sync(1, { requestId: "r1", force: true }),
      ev.locked(2),
      ev.bootstrapped(3),
    ]);
    const after = run([ev.pushFailed("fatal", 4), ev.changes(10, ["c.txt"])], forced.snapshot);
    expect(after.context.current?.requestIds).toEqual([]);
    expect(after.context.current?.force).toBeUndefined();
  });

  it("after a successful cycle nothing is carried", () => {
    const ok = run([ev.started(0), ev.changes(1, ["a.txt"]), ev.locked(2), ev.bootstrapped(3), ev.pushed(4)]);
    const drained = run([ev.drained(5)], ok.snapshot);
    expect(drained.snapshot.value).toBe("idle");
    const next = run([ev.changes(10, ["c.txt"])], drained.snapshot);
    expect(next.context.current?.paths).toEqual(["c.txt"]);
  });
});
