/**
 * Turns an XState v5 machine definition into a Mermaid `stateDiagram-v2`. Pure: it reads only the
 * machine's state nodes (`machine.root`, `states`, `initial`, `transitions`, `always`, `invoke`, `type`)
 * and returns text, the same text for the same machine.
 *
 * - Compound states become composite blocks with a `[*] -->` arrow to their initial child; final states
 *   get an arrow to `[*]`; parallel regions are separated by `--`.
 * - Every transition with a target is an arrow labelled `event [guard]`; a plain fallback after guarded
 *   alternatives of the same event reads `[else]`. A state's own completion (`xstate.done.state.*`)
 *   reads `done`. Arrows are written in the innermost block that holds both ends, so Mermaid keeps each
 *   state in the composite it belongs to.
 * - What an arrow cannot show is written on the state: invoked actors (`invokes holdLock`) and
 *   transitions without a target (`syncRequested: no change of state`), as description lines on simple
 *   states and as a note on composite ones (Mermaid draws no description on a composite).
 * - The root's own transitions apply in every state; they are listed once, in a note, not drawn from
 *   every state.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from "xstate";

export interface MermaidOptions {
  /** Comment lines (`%% ...`) written after the diagram type, such as where the diagram comes from. */
  comments?: readonly string[];
}

/** The first line of the note that lists the root's transitions. */
export const everyStateHeading = "In every state, unless that state handles the event itself:";

/** Separates the labels of transitions that share an arrow. */
export const labelBreak = "<br/>";

const indentUnit = "  ";
const reservedIds = new Set(["state", "note", "end", "direction", "class", "classDef", "style", "click"]);

/**
 * `xstate.done.state.mailbox.running` → `done`; the other built-in event types read as short names
 * (`actorName` turns an invoke id into the name of what it runs).
 */
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

/** A guard's name: `"canRetry"`, `{ type: "canRetry", params }`, or a named function. */
export function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === "string") return guard;
  if (typeof guard === "function") return guard.name === "" ? "inline" : guard.name;
  if (typeof guard === "object" && "type" in guard && typeof guard.type === "string") return guard.type;
  return "guard";
}

/** What an invoke runs: the actor's name from `setup()`, else the invoke's id. */
function srcName(invoke: { id: string; src: unknown }): string {
  return typeof invoke.src === "string" ? invoke.src : invoke.id;
}

function childrenOf(node: AnyStateNode): AnyStateNode[] {
  return (Object.values(node.states) as AnyStateNode[]).sort((a, b) => a.order - b.order);
}

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...childrenOf(node).flatMap(allNodes)];
}

function isComposite(node: AnyStateNode): boolean {
  return node.type === "compound" || node.type === "parallel";
}

/** Every transition a node defines: event transitions in definition order, then eventless ones. */
function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  const out: AnyTransitionDefinition[] = [];
  for (const list of node.transitions.values()) out.push(...(list as AnyTransitionDefinition[]));
  out.push(...((node.always ?? []) as AnyTransitionDefinition[]));
  return out;
}

/** `event [guard]`; `[else]` for a plain transition that follows guarded ones of the same event. */
function transitionLabel(
  transition: AnyTransitionDefinition,
  siblings: readonly AnyTransitionDefinition[],
  actorName: (id: string) => string,
): string {
  const event = eventLabel(transition.eventType, actorName);
  const guard = guardLabel(transition.guard);
  if (guard !== null) return `${event} [${guard}]`;
  const index = siblings.indexOf(transition);
  const afterGuarded = siblings.slice(0, index).some((t) => t.guard !== undefined);
  return afterGuarded ? `${event} [else]` : event;
}

function siblingsOf(transition: AnyTransitionDefinition): AnyTransitionDefinition[] {
  const source = transition.source as AnyStateNode;
  if (transition.eventType === "") return (source.always ?? []) as AnyTransitionDefinition[];
  return (source.transitions.get(transition.eventType) ?? []) as AnyTransitionDefinition[];
}

/** The deepest node that holds both `a` and `b` (either may be the node itself). */
function commonAncestor(a: AnyStateNode, b: AnyStateNode): AnyStateNode {
  const chain = new Set<AnyStateNode>();
  for (let n: AnyStateNode | undefined = a; n; n = n.parent) chain.add(n);
  for (let n: AnyStateNode | undefined = b; n; n = n.parent) if (chain.has(n)) return n;
  throw new Error(`state nodes ${a.id} and ${b.id} belong to different machines`);
}

/** The block an arrow from `source` to `target` is written in: the one that holds both states. */
function scopeOf(source: AnyStateNode, target: AnyStateNode): AnyStateNode {
  const root = source.machine.root as AnyStateNode;
  return commonAncestor(source.parent ?? root, target.parent ?? root);
}

/**
 * Mermaid ids: a state's own key where that is a plain, unique name (Mermaid's ids are global, not per
 * composite), else its path joined with `_` (shown under its key).
 */
function mermaidIds(root: AnyStateNode): Map<AnyStateNode, string> {
  const nodes = allNodes(root).slice(1);
  const counts = new Map<string, number>();
  for (const node of nodes) counts.set(node.key, (counts.get(node.key) ?? 0) + 1);
  const ids = new Map<AnyStateNode, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(node.key) && !reservedIds.has(node.key);
    let id =
      plain && counts.get(node.key) === 1 ? node.key : node.path.join("_").replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(id)) id = `s_${id}`;
    while (taken.has(id)) id = `${id}_`;
    taken.add(id);
    ids.set(node, id);
  }
  return ids;
}

export function toMermaid(machine: AnyStateMachine, options: MermaidOptions = {}): string {
  const root = machine.root as AnyStateNode;
  const ids = mermaidIds(root);
  const idOf = (node: AnyStateNode): string => {
    const id = ids.get(node);
    if (id === undefined) throw new Error(`no Mermaid id for ${node.id}`);
    return id;
  };

  const actors = new Map<string, string>();
  for (const node of allNodes(root)) for (const invoke of node.invoke) actors.set(invoke.id, srcName(invoke));
  const actorName = (id: string): string => actors.get(id) ?? id;

  /**
   * Arrows grouped by the block they are written in, one per source and target: transitions between the
   * same two states share an arrow, one label line each (Mermaid draws parallel arrows on top of each
   * other). What no arrow can show is kept per state; the root's transitions are kept apart.
   */
  const arrows = new Map<AnyStateNode, Map<string, string[]>>();
  const remarks = new Map<AnyStateNode, string[]>();
  const everywhere: string[] = [];
  const remark = (node: AnyStateNode, text: string) =>
    remarks.set(node, [...(remarks.get(node) ?? []), text]);
  for (const node of allNodes(root)) {
    for (const invoke of node.invoke) {
      remark(node, node === root ? `the machine invokes ${srcName(invoke)}` : `invokes ${srcName(invoke)}`);
    }
    for (const transition of transitionsOf(node)) {
      const label = transitionLabel(transition, siblingsOf(transition), actorName);
      const targets = (transition.target ?? []) as AnyStateNode[];
      if (node === root) {
        const where = targets.map((target) => target.path.join(".")).join(", ");
        everywhere.push(targets.length === 0 ? `${label}: no change of state` : `${label} → ${where}`);
      } else if (targets.length === 0) {
        remark(node, `${label}: no change of state`);
      }
      for (const target of node === root ? [] : targets) {
        const scope = scopeOf(node, target);
        const inScope = arrows.get(scope) ?? new Map<string, string[]>();
        const ends = `${idOf(node)} --> ${idOf(target)}`;
        inScope.set(ends, [...(inScope.get(ends) ?? []), label]);
        arrows.set(scope, inScope);
      }
    }
  }
  /** The root's note goes on its initial state (its first region, for a parallel root). */
  const rootChildren = childrenOf(root);
  const rootAnchor = ((root.initial?.target ?? [])[0] as AnyStateNode | undefined) ?? rootChildren[0];
  const rootNote = [
    ...(remarks.get(root) ?? []),
    ...(everywhere.length > 0 ? [everyStateHeading, ...everywhere] : []),
  ];

  const lines: string[] = ["stateDiagram-v2", ...(options.comments ?? []).map((c) => `${indentUnit}%% ${c}`)];
  const emit = (depth: number, text: string) => lines.push(`${indentUnit.repeat(depth)}${text}`);

  /** The contents of a block: its initial arrow, its states, the arrows inside it, finals, notes. */
  const block = (node: AnyStateNode, depth: number): void => {
    const children = childrenOf(node);
    if (node.type === "parallel") {
      children.forEach((region, i) => {
        if (i > 0) emit(depth, "--");
        declare(region, depth);
      });
    } else {
      for (const target of (node.initial?.target ?? []) as AnyStateNode[]) {
        emit(depth, `[*] --> ${idOf(target)}`);
      }
      for (const child of children) declare(child, depth);
    }
    for (const [ends, labels] of arrows.get(node) ?? []) emit(depth, `${ends} : ${labels.join(labelBreak)}`);
    for (const child of children) if (child.type === "final") emit(depth, `${idOf(child)} --> [*]`);
    for (const child of children) {
      // Mermaid keeps one note per state: the composite's own lines and the root's share it.
      const texts = [
        ...(isComposite(child) ? (remarks.get(child) ?? []) : []),
        ...(child === rootAnchor ? rootNote : []),
      ];
      if (texts.length === 0) continue;
      emit(depth, `note right of ${idOf(child)}`);
      for (const text of texts) emit(depth + 1, text);
      emit(depth, "end note");
    }
  };

  const declare = (node: AnyStateNode, depth: number): void => {
    const id = idOf(node);
    if (isComposite(node)) {
      emit(depth, `state ${id} {`);
      block(node, depth + 1);
      emit(depth, "}");
      return;
    }
    const texts = remarks.get(node) ?? [];
    if (texts.length === 0) {
      // A bare id: `state <id>` right before `state <other> {` trips Mermaid's parser.
      emit(depth, id === node.key ? id : `state "${node.key}" as ${id}`);
      return;
    }
    // With descriptions, Mermaid shows the first one as the state's title and the others under it.
    for (const text of [node.key, ...texts]) emit(depth, `${id} : ${text}`);
  };

  block(root, 1);
  return `${lines.join("\n")}\n`;
}
