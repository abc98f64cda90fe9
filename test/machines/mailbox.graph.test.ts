/**
 * Every state and every transition of the mailbox statechart is reached by paths generated with
 * xstate/graph from a fixed alphabet of events (context is collapsed to what steers the machine).
 */
import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot } from "xstate";
import { getShortestPaths } from "xstate/graph";
import { type MailboxContext, type MailboxEvent, mailboxMachine } from "../../machines/mailbox.js";
import { allNodes, cycleKey, explore } from "./coverage.js";
import { ev } from "./events.js";

const alphabet: MailboxEvent[] = [
  ev.started(0, 2),
  ev.stopped(),
  ev.sync(0),
  ev.sync(0, { direction: "push" }),
  ev.sync(0, { direction: "pull" }),
  ev.sync(0, { direction: "pull", oneWay: true }),
  ev.sync(0, { dryRun: true }),
  ev.sync(0, { force: true }),
  ev.changes(0),
  ev.changes(0, [], true),
  ev.locked(),
  ev.lockHeld(),
  ev.bootstrapped(),
  ev.bootstrapFailed("retryable"),
  ev.bootstrapFailed("fatal"),
  ev.pushed(),
  ev.pushHalted(),
  ev.pushFailed("retryable"),
  ev.pushFailed("auth"),
  ev.drained(0, ["a"]),
  ev.drainFailed("not-found"),
  ev.drainFailed("fatal"),
  ev.retryDue(),
  ev.pulled(),
  ev.pullHalted(),
  ev.pullFailed("retryable"),
  ev.pullFailed("auth"),
];

const key = (s: AnyMachineSnapshot) =>
  cycleKey(s, { bootstrapped: (s.context as MailboxContext).bootstrapped });

describe("mailbox statechart coverage", () => {
  const coverage = explore(mailboxMachine, alphabet, key);

  it("reaches every state node", () => {
    const defined = allNodes(mailboxMachine.root).map((n) => n.id);
    // `done` is final: it is left in the same step it is entered, through running's onDone.
    const missing = defined.filter((id) => !coverage.reachedNodes.has(id) && id !== "mailbox.running.done");
    expect(missing).toEqual([]);
  });

  it("takes every transition the machine defines", () => {
    expect(coverage.defined.filter((k) => !coverage.taken.has(k))).toEqual([]);
    expect(coverage.defined.length).toBeGreaterThan(25);
  });

  it("generates a shortest path to every reachable state", () => {
    const paths = getShortestPaths(mailboxMachine, { events: alphabet, serializeState: key, limit: 200_000 });
    const leaves = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const value of ["idle", "recovering", "failed", "halted"])
      expect(leaves).toContain(JSON.stringify(value));
    for (const step of ["locking", "bootstrapping", "pushing", "draining", "pulling"]) {
      expect(leaves).toContain(JSON.stringify({ running: step }));
    }
  });
});
