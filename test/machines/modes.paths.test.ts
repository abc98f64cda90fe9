/** Mirror, bisync and the mailbox's halts, path by path through XState's pure transition(). */
import { describe, expect, it } from "vitest";
import {
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  initialTransition,
  transition,
} from "xstate";
import { type BisyncContext, bisyncMachine } from "../../machines/bisync.js";
import { mailboxMachine } from "../../machines/mailbox.js";
import { type MirrorContext, mirrorMachine } from "../../machines/mirror.js";
import { mergeRequests, toRequest } from "../../machines/requests.js";
import { verdictFor } from "../../src/runtime/workspace/verdict.js";
import { ev } from "./events.js";
import { bisync, mirror } from "./mode-events.js";

function run(machine: AnyStateMachine, events: EventObject[], from?: AnyMachineSnapshot): AnyMachineSnapshot {
  let snapshot = from ?? initialTransition(machine)[0];
  for (const event of events) snapshot = transition(machine, snapshot, event)[0];
  return snapshot;
}

describe("mirror statechart", () => {
  it("ingests then pulls when ingest is on; pull only when off", () => {
    const on = run(mirrorMachine, [
      mirror.started(0, 3, { ingest: true }),
      mirror.sync(1),
      mirror.locked(2),
      mirror.bootstrapped(3),
    ]);
    expect(on.value).toEqual({ running: "ingesting" });
    const done = run(mirrorMachine, [mirror.ingested(4), mirror.pulled(5)], on);
    expect(done.value).toBe("idle");
    expect((done.context as MirrorContext).lastCycle).toMatchObject({
      ingest: { changeCount: 1 },
      pull: { changeCount: 1 },
      push: null,
    });
    const off = run(mirrorMachine, [
      mirror.started(0, 3, { ingest: false }),
      mirror.sync(1),
      mirror.locked(2),
      mirror.bootstrapped(3),
    ]);
    expect(off.value).toEqual({ running: "pulling" });
  });

  it("--direction push is a one-shot push; pull skips the ingest copy", () => {
    const base = [
      mirror.started(0, 3, { ingest: true }),
      mirror.sync(1, { direction: "push" }),
      mirror.locked(2),
      mirror.bootstrapped(3),
    ];
    expect(run(mirrorMachine, base).value).toEqual({ running: "pushing" });
    const pull = run(
      mirrorMachine,
      [mirror.sync(5, { direction: "pull" }), mirror.locked(6)],
      run(mirrorMachine, [...base, mirror.pushed(4)]),
    );
    expect(pull.value).toEqual({ running: "pulling" });
  });

  it("a guard halts the cycle; the halt stays through a dry run and clears with a pull that goes through", () => {
    const halted = run(mirrorMachine, [
      mirror.started(0),
      mirror.sync(1, { requestId: "r" }),
      mirror.locked(2),
      mirror.bootstrapped(3),
      mirror.pullHalted(4),
    ]);
    expect(halted.value).toBe("halted");
    expect((halted.context as MirrorContext).halt?.reason).toBe("emptySource");
    expect(verdictFor(halted, "r")).toBe("failed");
    const dry = run(
      mirrorMachine,
      [mirror.sync(5, { dryRun: true, requestId: "d" }), mirror.locked(6), mirror.pulled(7)],
      halted,
    );
    expect(dry.value).toBe("halted");
    expect(verdictFor(dry, "d")).toBe("done");
    const forced = run(
      mirrorMachine,
      [mirror.sync(8, { force: true }), mirror.locked(9), mirror.pulled(10)],
      dry,
    );
    expect(forced.value).toBe("idle");
    expect((forced.context as MirrorContext).halt).toBeNull();
    expect((forced.context as MirrorContext).lastCycle?.request.force).toBe(true);
  });
});

describe("mailbox halts", () => {
  it("a halted push skips the drain; a drain-only cycle keeps the halt; a push that goes through clears it", () => {
    const halted = run(mailboxMachine, [
      ev.started(),
      ev.sync(1),
      ev.locked(2),
      ev.bootstrapped(3),
      ev.pushHalted(4),
    ]);
    expect(halted.value).toBe("halted");
    const drained = run(
      mailboxMachine,
      [ev.sync(5, { direction: "pull" }), ev.locked(6), ev.drained(7)],
      halted,
    );
    expect(drained.value).toBe("halted");
    const pushed = run(mailboxMachine, [ev.sync(8), ev.locked(9), ev.pushed(10), ev.drained(11)], drained);
    expect(pushed.value).toBe("idle");
  });
});

describe("bisync statechart", () => {
  const firstRun = () =>
    run(bisyncMachine, [
      bisync.started(0),
      bisync.sync(1, { requestId: "first" }),
      bisync.locked(2),
      bisync.bootstrapped(3),
      bisync.syncFailed("needs-resync", 4),
    ]);

  it("lost or missing listings land in needsResync and never resync on their own", () => {
    const s = firstRun();
    expect(s.value).toBe("needsResync");
    expect((s.context as BisyncContext).resyncNeeded?.kind).toBe("needs-resync");
    expect(verdictFor(s, "first")).toBe("failed");
    // A plain request (a timer, a person without --resync) is refused at once, with the reason.
    const again = run(bisyncMachine, [bisync.sync(5, { requestId: "timer", source: "timer" })], s);
    expect(again.value).toBe("needsResync");
    expect(verdictFor(again, "timer")).toBe("failed");
    expect((again.context as BisyncContext).lastError?.kind).toBe("needs-resync");
    // Retry timers never fire here: nothing but a request leaves the state.
    expect(run(bisyncMachine, [bisync.retryDue(6)], again).value).toBe("needsResync");
  });

  it("only an explicit --resync leaves needsResync; a one-shot push runs and comes back", () => {
    const s = firstRun();
    const pushed = run(
      bisyncMachine,
      [bisync.sync(5, { direction: "push" }), bisync.locked(6), bisync.transferred(7)],
      s,
    );
    expect(pushed.value).toBe("needsResync");
    const resynced = run(
      bisyncMachine,
      [bisync.sync(8, { resync: true, requestId: "rs" }), bisync.locked(9), bisync.synced(10, [], true)],
      pushed,
    );
    expect(resynced.value).toBe("idle");
    expect(verdictFor(resynced, "rs")).toBe("done");
    expect((resynced.context as BisyncContext).resyncNeeded).toBeNull();
  });

  it("a dry-run resync does not clear the need", () => {
    const s = firstRun();
    const dry = run(
      bisyncMachine,
      [bisync.sync(5, { resync: true, dryRun: true }), bisync.locked(6), bisync.synced(7, [], true)],
      s,
    );
    expect(dry.value).toBe("needsResync");
  });

  it("retries retryable aborts with backoff, and halts on bisync's safety abort until forced", () => {
    const ok = run(bisyncMachine, [
      bisync.started(0),
      bisync.sync(1, { resync: true }),
      bisync.locked(2),
      bisync.bootstrapped(3),
      bisync.synced(4, [], true),
    ]);
    const retrying = run(
      bisyncMachine,
      [bisync.sync(10), bisync.locked(11), bisync.syncFailed("retryable", 12)],
      ok,
    );
    expect(retrying.value).toBe("recovering");
    expect((retrying.context as BisyncContext).retryAt).toBe(12 + 1000);
    const lockHeld = run(
      bisyncMachine,
      [bisync.retryDue(1012), bisync.locked(1013), bisync.syncFailed("lock-held", 1014)],
      retrying,
    );
    expect(lockHeld.value).toBe("recovering");
    const halted = run(
      bisyncMachine,
      [bisync.sync(2000), bisync.locked(2001), bisync.syncHalted(2002)],
      lockHeld,
    );
    expect(halted.value).toBe("halted");
    const conflict = {
      path: "a.txt",
      loser: "a.txt.conflict1",
      winner: "local" as const,
      policy: "local" as const,
    };
    const forced = run(
      bisyncMachine,
      [bisync.sync(3000, { force: true }), bisync.locked(3001), bisync.synced(3002, [conflict])],
      halted,
    );
    expect(forced.value).toBe("idle");
    const context = forced.context as BisyncContext;
    expect(context.halt).toBeNull();
    expect(context.conflictsTotal).toBe(1);
    expect(context.lastCycle?.bisync?.conflicts).toEqual([conflict]);
  });
});

describe("requests carry a person's permission", () => {
  it("force and resync survive coalescing", () => {
    const merged = mergeRequests(
      toRequest({ source: "timer" }),
      toRequest({ source: "cli", force: true, resync: true }),
    );
    expect(merged).toMatchObject({ force: true, resync: true, sources: ["timer", "cli"] });
    expect(toRequest({ source: "cli" })).not.toHaveProperty("force");
  });

  it("a person's one-way pull stays one beside the outbox poll's drain; other directions widen it away", () => {
    const person = toRequest({ source: "cli", direction: "pull", oneWay: true });
    const poll = toRequest({ source: "poll", direction: "pull" });
    expect(mergeRequests(poll, person)).toMatchObject({ direction: "pull", oneWay: true });
    expect(mergeRequests(person, poll)).toMatchObject({ direction: "pull", oneWay: true });
    expect(mergeRequests(person, toRequest({ source: "watch", direction: "push" }))).not.toHaveProperty(
      "oneWay",
    );
    expect(toRequest({ source: "cli", oneWay: true })).not.toHaveProperty("oneWay");
  });
});

describe("mailbox: a person's one-way pull", () => {
  it("runs the pull instead of the push and the drain, and the record says so", () => {
    const locked = run(mailboxMachine, [
      ev.started(0),
      ev.sync(1, { direction: "pull", oneWay: true }),
      ev.locked(2),
      ev.bootstrapped(3),
    ]);
    expect(locked.value).toEqual({ running: "pulling" });
    const done = run(mailboxMachine, [ev.pulled(4)], locked);
    expect(done.value).toBe("idle");
    expect(done.context.lastCycle).toMatchObject({ push: null, drain: null, pull: { changeCount: 1 } });
    // The poll's pull (no oneWay) is the drain alone, as before.
    const drain = run(mailboxMachine, [ev.sync(5, { direction: "pull" }), ev.locked(6)], done);
    expect(drain.value).toEqual({ running: "draining" });
    expect(drain.context.pull).toBeUndefined();
  });
});
