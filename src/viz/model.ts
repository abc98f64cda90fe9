/**
 * A statechart's structure, read from an XState v5 machine definition: the one model every diagram
 * (Mermaid, DOT, SVG, the live page) is drawn from. Pure: it walks `machine.root` (`states`, `type`,
 * `initial`, `transitions`, `always`, `invoke`) and returns plain data, the same data for the same machine.
 *
 * Delayed transitions (`after`) and an invoke's `onDone`/`onError` are transitions whose event types
 * are XState's built-in ones (`xstate.after.*`, `xstate.done.actor.*`, `xstate.error.actor.*`); they are
 * kept with a `kind` and a readable label. A compound state's own completion (`onDone`) reads `done`.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from "xstate";

/** XState's own kinds of state node: atomic, compound, parallel, final, history. */
export type StateKind = AnyStateNode["type"];

export type TransitionKind = "event" | "always" | "after" | "done" | "actor-done" | "actor-error";

export interface ChartInvoke {
  /** The invoke's id (`push`, `cycleLock`). */
  id: string;
  /** What it runs: the actor's name from `setup()`, else the invoke's id. */
  src: string;
}

export interface ChartState {
  /** XState's id: the machine id and the path, dot-joined (`mailbox.running.pushing`). */
  id: string;
  key: string;
  /** Keys from the root, the root excluded (`["running", "pushing"]`); empty for the root. */
  path: string[];
  /** The parent's id; null for the root. */
  parent: string | null;
  kind: StateKind;
  /** Ids of the children entered first (a compound's initial child). */
  initial: string[];
  /** Child ids in definition order. */
  children: string[];
  invokes: ChartInvoke[];
}

export interface ChartTransition {
  /** Position among all transitions of the chart (the root's included), stable for the same machine. */
  index: number;
  source: string;
  /** Target ids; empty for a transition that keeps the state (actions only). */
  targets: string[];
  /** The raw event type (`""` for an eventless transition). */
  eventType: string;
  kind: TransitionKind;
  /** The event as people read it: `pushDone`, `done`, `after 5000ms`, `done.actor(push)`, `always`. */
  event: string;
  guard: string | null;
  /** A plain transition that follows guarded ones of the same event: taken when none of them is. */
  otherwise: boolean;
  /** `event [guard]`, or `event [else]` for a fallback. */
  label: string;
  reenter: boolean;
}

export interface ChartModel {
  machineId: string;
  root: ChartState;
  /** Every state but the root, parents before children, siblings in definition order. */
  states: ChartState[];
  /** Transitions defined on states other than the root. */
  transitions: ChartTransition[];
  /** The root's transitions: they apply in every state that does not handle the event itself. */
  everywhere: ChartTransition[];
}

/** `xstate.done.state.mailbox.running` → `done`; the other built-in event types as short names. */
export function eventLabel(eventType: string, actorName: (id: string) => string = (id) => id): string {
  if (eventType === "") return "always";
  if (eventType.startsWith("xstate.done.state.")) return "done";
  if (eventType.startsWith("xstate.done.actor.")) return `done.actor(${actorName(eventType.slice(18))})`;
  if (eventType.startsWith("xstate.error.actor.")) return `error.actor(${actorName(eventType.slice(19))})`;
  if (eventType.startsWith("xstate.after.")) {
    const delay = eventType.slice(13).split(".")[0] ?? "";
    return /^\d+$/.test(delay) ? `after ${delay}ms` : `after ${delay}`;
  }
  return eventType;
}

export function transitionKind(eventType: string): TransitionKind {
  if (eventType === "") return "always";
  if (eventType.startsWith("xstate.done.state.")) return "done";
  if (eventType.startsWith("xstate.done.actor.")) return "actor-done";
  if (eventType.startsWith("xstate.error.actor.")) return "actor-error";
  if (eventType.startsWith("xstate.after.")) return "after";
  return "event";
}

/** A guard's name: `"canRetry"`, `{ type: "canRetry", params }`, or a named function. */
export function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") return guard.name === "" ? "inline" : guard.name;
  if (typeof guard === "object" && "type" in guard && typeof guard.type === "string") return guard.type;
  return "guard";
}

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).sort((a, b) => a.order - b.order);
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...childrenOf(node).flatMap(allNodes)];
}

/** Every transition a node defines: event transitions in definition order, then eventless ones. */
function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  const out: AnyTransitionDefinition[] = [];
  for (const list of node.transitions.values()) out.push(...list);
  out.push(...(node.always ?? []));
  return out;
}

function siblingsOf(transition: AnyTransitionDefinition): AnyTransitionDefinition[] {
  const source = transition.source;
  if (transition.eventType === "") return source.always ?? [];
  return source.transitions.get(transition.eventType) ?? [];
}

function srcName(invoke: { id: string; src: unknown }): string {
  return typeof invoke.src === "string" ? invoke.src : invoke.id;
}

function stateOf(node: AnyStateNode): ChartState {
  return {
    id: node.id,
    key: node.key,
    path: [...node.path],
    parent: node.parent?.id ?? null,
    kind: node.type,
    initial: (node.initial?.target ?? []).map((n) => n.id),
    children: childrenOf(node).map((n) => n.id),
    invokes: node.invoke.map((invoke) => ({ id: invoke.id, src: srcName(invoke) })),
  };
}

export function chartModel(machine: AnyStateMachine): ChartModel {
  const root = machine.root;
  const nodes = allNodes(root);
  const actors = new Map<string, string>();
  for (const node of nodes) for (const invoke of node.invoke) actors.set(invoke.id, srcName(invoke));
  const actorName = (id: string): string => actors.get(id) ?? id;

  const transitions: ChartTransition[] = [];
  const everywhere: ChartTransition[] = [];
  let index = 0;
  for (const node of nodes) {
    for (const t of transitionsOf(node)) {
      const siblings = siblingsOf(t);
      const guard = guardLabel(t.guard);
      const otherwise = guard === null && siblings.slice(0, siblings.indexOf(t)).some((s) => s.guard);
      const event = eventLabel(t.eventType, actorName);
      const transition: ChartTransition = {
        index: index++,
        source: node.id,
        targets: (t.target ?? []).map((n) => n.id),
        eventType: t.eventType,
        kind: transitionKind(t.eventType),
        event,
        guard,
        otherwise,
        label: guard !== null ? `${event} [${guard}]` : otherwise ? `${event} [else]` : event,
        reenter: t.reenter === true,
      };
      (node === root ? everywhere : transitions).push(transition);
    }
  }
  return {
    machineId: root.id,
    root: stateOf(root),
    states: nodes.slice(1).map(stateOf),
    transitions,
    everywhere,
  };
}

/** States by id, the root included. */
export function statesById(model: ChartModel): Map<string, ChartState> {
  return new Map([model.root, ...model.states].map((s) => [s.id, s]));
}

export function isComposite(state: ChartState): boolean {
  return state.kind === "compound" || state.kind === "parallel";
}

/**
 * The ids of the states a state value is in, ancestors included, the root excluded:
 * `{running: "pushing"}` in machine `mailbox` → `["mailbox.running", "mailbox.running.pushing"]`.
 */
export function activeStateIds(machineId: string, value: unknown, prefix: string = machineId): string[] {
  if (typeof value === "string") return [`${prefix}.${value}`];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) => [
    `${prefix}.${key}`,
    ...activeStateIds(machineId, child, `${prefix}.${key}`),
  ]);
}
