/**
 * `failedInARow`: the failed attempts since the last real success, kept in the context so replaying the
 * log (from a checkpoint too) rebuilds it, which failure alerts judge on after a restart.
 */
import { describe, expect, it } from "vitest";
import { type AnyMachineSnapshot, createActor, initialTransition, transition } from "xstate";
import { type MailboxContext, type MailboxEvent, mailboxMachine } from "../../machines/mailbox.js";
import { ev } from "./events.js";

function run(events: MailboxEvent[], from?: AnyMachineSnapshot) {
  let snapshot = from ?? initialTransition(mailboxMachine)[0];
  for (const event of events) snapshot = transition(mailboxMachine, snapshot, event)[0];
  // cast: the mailbox machine's snapshot holds its context
  return { snapshot, context: snapshot.context as MailboxContext };
}

const failing = (at: number) => [ev.sync(at), ev.locked(at + 1), ev.bootstrapFailed("auth", at + 2)];
const through = (at: number, dryRun = false) => [
  ev.sync(at, { dryRun }),
  ev.locked(at + 1),
  ev.bootstrapped(at + 2),
  ev.pushed(at + 3),
  ev.drained(at + 4),
];

describe("failedInARow", () => {
  it("counts failed attempts with the last one's time, survives a checkpoint and a restart, and clears on a real success", () => {
    const fresh = run([ev.started(0, 1)]);
    expect(fresh.context.failedInARow).toBeNull();
    const twice = run([...failing(10), ...failing(20)], fresh.snapshot);
    expect(twice.snapshot.value).toBe("failed");
    expect(twice.context.failedInARow).toEqual({ count: 2, lastAt: 22 });

    // The host's recovery: a persisted snapshot (a checkpoint), then hostStarted and more events.
    const restored = createActor(mailboxMachine, {
      snapshot: mailboxMachine.getPersistedSnapshot(twice.snapshot),
    }).getSnapshot();
    const third = run([ev.started(30, 1), ...failing(40)], restored);
    expect(third.context.failedInARow).toEqual({ count: 3, lastAt: 42 });

    // A dry run that goes through is no real sync: the failures are still in a row.
    const dry = run(through(50, true), third.snapshot);
    expect(dry.snapshot.value).toBe("idle");
    expect(dry.context.failedInARow).toEqual({ count: 3, lastAt: 42 });

    const real = run(through(60), dry.snapshot);
    expect(real.context.failedInARow).toBeNull();
    expect(real.context.lastCycle?.finishedAt).toBe(64);
    const again = run([ev.sync(70), ev.locked(71), ev.pushFailed("auth", 72)], real.snapshot);
    expect(again.context.failedInARow).toEqual({ count: 1, lastAt: 72 });
  });

  it("counts every failed try of a retried cycle", () => {
    const { context } = run([
      ev.started(0, 2),
      ev.sync(10),
      ev.locked(11),
      ev.bootstrapFailed("retryable", 12),
      ev.retryDue(2000),
      ev.locked(2001),
      ev.bootstrapFailed("retryable", 2002),
    ]);
    expect(context.failedInARow).toEqual({ count: 2, lastAt: 2002 });
    expect(context.totals.failures).toBe(2);
  });
});
