/**
 * Graph coverage for a sync statechart: from a fixed alphabet of events, xstate/graph explores every
 * state the machine can reach (context collapsed by `key`), and we collect every transition taken.
 */
import type { AnyMachineSnapshot, AnyStateMachine, AnyStateNode, EventObject } from "xstate";
import { getAdjacencyMap } from "xstate/graph";
import type { CycleState } from "../../machines/cycle.js";

export function allNodes(node: AnyStateNode): AnyStateNode[] {
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

/** The context fields every sync machine is steered by; a machine adds its own. */
export function cycleKey(snapshot: AnyMachineSnapshot, extra: Record<string, unknown> = {}): string {
  const c = snapshot.context as CycleState;
  return JSON.stringify({
    value: snapshot.value,
    exhausted: c.attempt >= c.retry.attempts,
    attempts: c.retry.attempts,
    halted: c.halt !== null && c.halt !== undefined,
    current: c.current && {
      d: c.current.direction,
      dry: c.current.dryRun,
      r: c.current.resync === true,
      o: c.current.oneWay === true,
    },
    pending: c.pending && {
      d: c.pending.direction,
      dry: c.pending.dryRun,
      r: c.pending.resync === true,
      o: c.pending.oneWay === true,
    },
    ...extra,
  });
}

function topState(snapshot: AnyMachineSnapshot): string {
  return typeof snapshot.value === "string" ? snapshot.value : (Object.keys(snapshot.value)[0] ?? "");
}

export interface Coverage {
  snapshots: AnyMachineSnapshot[];
  defined: string[];
  taken: Set<string>;
  reachedNodes: Set<string>;
}

export function explore<TEvent extends EventObject>(
  machine: AnyStateMachine,
  events: TEvent[],
  key: (snapshot: AnyMachineSnapshot) => string,
): Coverage {
  const adjacency = getAdjacencyMap(machine, { events, serializeState: key, limit: 200_000 });
  const defined = new Map<string, TransitionLike>();
  for (const node of allNodes(machine.root)) {
    for (const list of node.transitions.values()) {
      for (const t of list as TransitionLike[]) defined.set(transitionKey(t), t);
    }
  }
  const taken = new Set<string>();
  const snapshots = Object.values(adjacency).map((entry) => entry.state as AnyMachineSnapshot);
  for (const entry of Object.values(adjacency)) {
    const from = entry.state as AnyMachineSnapshot;
    for (const { event, state } of Object.values(entry.transitions) as {
      event: TEvent;
      state: AnyMachineSnapshot;
    }[]) {
      for (const t of machine.getTransitionData(from, event) as TransitionLike[]) taken.add(transitionKey(t));
      // `running`'s completion fires in the same step as the last outcome: tell its branches by where it led.
      const stepDone = event.type.endsWith("Done") && event.type !== "bootstrapDone";
      const to = state;
      const top = topState(to);
      const finished =
        stepDone && from.matches("running") && (top !== "running" || to.matches({ running: "locking" }));
      if (!finished) continue;
      for (const [k, t] of defined) {
        if (!t.eventType.startsWith("xstate.done.state")) continue;
        if ((t.target ?? [])[0]?.key === top) taken.add(k);
      }
    }
  }
  return {
    snapshots,
    defined: [...defined.keys()],
    taken,
    reachedNodes: new Set(snapshots.flatMap((s) => s._nodes.map((n: AnyStateNode) => n.id))),
  };
}
