/**
 * What a machine defines, read straight from XState's state nodes (independently of `src/viz/model.ts`),
 * as the expectations diagram tests compare against.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from "xstate";

export function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child as AnyStateNode))];
}

export function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...[...node.transitions.values()].flat(), ...(node.always ?? [])] as AnyTransitionDefinition[];
}

function guardName(guard: unknown): string | null {
  if (guard === undefined) return null;
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") return guard.name || "inline";
  if (typeof guard === "object" && guard !== null && "type" in guard) return String(guard.type);
  return "guard";
}

/** How diagrams name an event: a state's own completion is `done`, a delay `after <ms>ms`. */
export function eventName(transition: AnyTransitionDefinition, actors: Map<string, string>): string {
  const type = transition.eventType;
  if (type === "") return "always";
  if (type === `xstate.done.state.${transition.source.id}`) return "done";
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after) return /^\d+$/.test(after[1] ?? "") ? `after ${after[1]}ms` : `after ${after[1]}`;
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (actor) return `${actor[1]}.actor(${actors.get(actor[2] ?? "") ?? actor[2]})`;
  return type;
}

export interface ExpectedTransition {
  source: string;
  target: string | null;
  /** `event [guard]`, `event [else]` or `event`. */
  label: string;
}

/** Every transition of every state but the root, one entry per target (null: keeps the state). */
export function expectedTransitions(machine: AnyStateMachine): {
  transitions: ExpectedTransition[];
  rootTransitions: ExpectedTransition[];
  states: AnyStateNode[];
} {
  const root = machine.root as AnyStateNode;
  const actors = new Map<string, string>();
  for (const node of allNodes(root)) {
    for (const invoke of node.invoke)
      actors.set(invoke.id, typeof invoke.src === "string" ? invoke.src : invoke.id);
  }
  const transitions: ExpectedTransition[] = [];
  const rootTransitions: ExpectedTransition[] = [];
  for (const node of allNodes(root)) {
    const groups = [...node.transitions.values(), node.always ?? []] as AnyTransitionDefinition[][];
    for (const list of groups) {
      list.forEach((t, i) => {
        const guard = guardName(t.guard);
        const otherwise = guard === null && list.slice(0, i).some((s) => s.guard !== undefined);
        const label = `${eventName(t, actors)}${guard ? ` [${guard}]` : otherwise ? " [else]" : ""}`;
        const targets = (t.target ?? []) as AnyStateNode[];
        const into = node === root ? rootTransitions : transitions;
        if (targets.length === 0) into.push({ source: node.id, target: null, label });
        for (const target of targets) into.push({ source: node.id, target: target.id, label });
      });
    }
  }
  return { transitions, rootTransitions, states: allNodes(root).slice(1) };
}
