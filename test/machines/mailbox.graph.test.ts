/**
 * Every state and every transition of the mailbox statechart is reached by paths generated with
 * xstate/graph from a fixed alphabet of events (context is collapsed to what steers the machine).
 */
import { describe, expect, it } from "vitest";
import type { AnyMachineSnapshot, AnyStateNode } from "xstate";
import { getAdjacencyMap, getShortestPaths } from "xstate/graph";
import { type MailboxContext, type MailboxEvent, mailboxMachine } from "../../machines/mailbox.js";
import { ev } from "./events.js";

const alphabet: MailboxEvent[] = [
  ev.started(0, 2),
  ev.stopped(),
  ev.sync(0),
  ev.sync(0, { direction: "push" }),
  ev.sync(0, { direction: "pull" }),
  ev.sync(0, { dryRun: true }),
  ev.locked(),
  ev.lockHeld(),
  ev.bootstrapped(),
  ev.bootstrapFailed("retryable"),
  ev.bootstrapFailed("fatal"),
  ev.pushed(),
  ev.pushFailed("retryable"),
  ev.pushFailed("auth"),
  ev.drained(0, ["a"]),
  ev.drainFailed("not-found"),
  ev.drainFailed("fatal"),
  ev.retryDue(),
];

/** What steers the machine; counters and times are left out so the graph stays finite. */
function key(snapshot: AnyMachineSnapshot): string {
  const c = snapshot.context as MailboxContext;
  return JSON.stringify({
    value: snapshot.value,
    bootstrapped: c.bootstrapped,
    exhausted: c.attempt >= c.retry.attempts,
    attempts: c.retry.attempts,
    current: c.current && { d: c.current.direction, dry: c.current.dryRun },
    pending: c.pending && { d: c.pending.direction, dry: c.pending.dryRun },
  });
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child as AnyStateNode))];
}

interface TransitionLike {
  source: AnyStateNode;
  eventType: string;
  target?: readonly AnyStateNode[] | undefined;
  guard?: unknown;
}

function transitionKey(t: TransitionLike): string {
  const guard = typeof t.guard === "string" ? t.guard : t.guard ? JSON.stringify(t.guard) : "";
  const target = (t.target ?? []).map((n) => n.id).join(",");
  return `${t.source.id} --${t.eventType}[${guard}]--> ${target || "(self)"}`;
}

const traversal = { events: alphabet, serializeState: (s: AnyMachineSnapshot) => key(s), limit: 100_000 };

describe("mailbox statechart coverage", () => {
  const adjacency = getAdjacencyMap(mailboxMachine, traversal);
  const snapshots = Object.values(adjacency).map((entry) => entry.state as AnyMachineSnapshot);

  it("reaches every state node", () => {
    const defined = allNodes(mailboxMachine.root).map((n) => n.id);
    const reached = new Set(snapshots.flatMap((s) => s._nodes.map((n: AnyStateNode) => n.id)));
    // `done` is final: it is left in the same step it is entered, through running's onDone.
    const missing = defined.filter((id) => !reached.has(id) && id !== "mailbox.running.done");
    expect(missing).toEqual([]);
  });

  it("takes every transition the machine defines", () => {
    const defined = new Map<string, TransitionLike>();
    for (const node of allNodes(mailboxMachine.root)) {
      for (const list of node.transitions.values()) {
        for (const t of list as TransitionLike[]) defined.set(transitionKey(t), t);
      }
    }
    const taken = new Set<string>();
    for (const entry of Object.values(adjacency)) {
      const from = entry.state as AnyMachineSnapshot;
      const edges = Object.values(entry.transitions) as { event: MailboxEvent; state: AnyMachineSnapshot }[];
      for (const { event, state } of edges) {
        const to = state as AnyMachineSnapshot;
        for (const t of mailboxMachine.getTransitionData(from, event) as TransitionLike[])
          taken.add(transitionKey(t));
        // running's onDone fires in the same step as the last outcome: tell its branches by where they lead.
        const finishedCycle =
          (event.type === "pushDone" || event.type === "drainDone") && !to.matches({ running: "draining" });
        if (finishedCycle) {
          const pending = (from.context as MailboxContext).pending !== null;
          for (const [k, t] of defined) {
            if (t.eventType.startsWith("xstate.done.state") && (t.guard ? pending : !pending)) taken.add(k);
          }
        }
      }
    }
    const missing = [...defined.keys()].filter((k) => !taken.has(k));
    expect(missing).toEqual([]);
    expect(defined.size).toBeGreaterThan(25);
  });

  it("generates a shortest path to every reachable state", () => {
    const paths = getShortestPaths(mailboxMachine, traversal);
    const leaves = new Set(paths.map((p) => JSON.stringify(p.state.value)));
    for (const value of ["idle", "recovering", "failed"]) expect(leaves).toContain(JSON.stringify(value));
    for (const step of ["locking", "bootstrapping", "pushing", "draining"]) {
      expect(leaves).toContain(JSON.stringify({ running: step }));
    }
  });
});
