/**
 * A chart model as a Mermaid `stateDiagram-v2`.
 *
 * - Compound states become composite blocks with a `[*] -->` arrow to their initial child; final states
 *   get an arrow to `[*]`; parallel regions are separated by `--`.
 * - Every transition with a target is an arrow labelled `event [guard]` (`[else]` for a plain fallback
 *   after guarded ones). Arrows are written in the innermost block that holds both ends, so Mermaid keeps
 *   each state in the composite it belongs to; transitions between the same two states share an arrow.
 * - What an arrow cannot show is written on the state: invoked actors (`invokes holdLock`) and
 *   transitions without a target (`syncRequested: no change of state`), as description lines on simple
 *   states and as a note on composite ones (Mermaid draws no description on a composite).
 * - The root's own transitions apply in every state; they are listed once, in a note.
 */
import { type ChartModel, type ChartState, isComposite, statesById } from "./model.js";

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
 * Mermaid ids: a state's own key where that is a plain, unique name (Mermaid's ids are global, not per
 * composite), else its path joined with `_` (shown under its key).
 */
export function mermaidIds(model: ChartModel): Map<string, string> {
  const counts = new Map<string, number>();
  for (const state of model.states) counts.set(state.key, (counts.get(state.key) ?? 0) + 1);
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const state of model.states) {
    const plain = /^[A-Za-z][A-Za-z0-9_]*$/.test(state.key) && !reservedIds.has(state.key);
    let id =
      plain && counts.get(state.key) === 1 ? state.key : state.path.join("_").replace(/[^A-Za-z0-9_]/g, "_");
    if (!/^[A-Za-z]/.test(id)) id = `s_${id}`;
    while (taken.has(id)) id = `${id}_`;
    taken.add(id);
    ids.set(state.id, id);
  }
  return ids;
}

function ancestry(byId: Map<string, ChartState>, id: string): string[] {
  const chain: string[] = [];
  for (let at: string | null | undefined = id; at != null; at = byId.get(at)?.parent) chain.push(at);
  return chain;
}

/** The block an arrow is written in: the deepest state holding both ends' parents. */
function scopeOf(byId: Map<string, ChartState>, rootId: string, source: string, target: string): string {
  const parentOf = (id: string) => byId.get(id)?.parent ?? rootId;
  const chain = new Set(ancestry(byId, parentOf(source)));
  return ancestry(byId, parentOf(target)).find((id) => chain.has(id)) ?? rootId;
}

export function toMermaid(model: ChartModel, options: MermaidOptions = {}): string {
  const byId = statesById(model);
  const ids = mermaidIds(model);
  const rootId = model.root.id;
  const idOf = (stateId: string): string => {
    const id = ids.get(stateId);
    if (id === undefined) throw new Error(`no Mermaid id for ${stateId}`);
    return id;
  };
  const state = (id: string): ChartState => {
    const found = byId.get(id);
    if (found === undefined) throw new Error(`unknown state ${id}`);
    return found;
  };

  const arrows = new Map<string, Map<string, string[]>>();
  const remarks = new Map<string, string[]>();
  const remark = (id: string, text: string) => remarks.set(id, [...(remarks.get(id) ?? []), text]);
  for (const s of [model.root, ...model.states]) {
    for (const invoke of s.invokes) {
      remark(s.id, s.id === rootId ? `the machine invokes ${invoke.src}` : `invokes ${invoke.src}`);
    }
  }
  for (const t of model.transitions) {
    if (t.targets.length === 0) remark(t.source, `${t.label}: no change of state`);
    for (const target of t.targets) {
      const scope = scopeOf(byId, rootId, t.source, target);
      const inScope = arrows.get(scope) ?? new Map<string, string[]>();
      const ends = `${idOf(t.source)} --> ${idOf(target)}`;
      inScope.set(ends, [...(inScope.get(ends) ?? []), t.label]);
      arrows.set(scope, inScope);
    }
  }
  const everywhere = model.everywhere.map((t) =>
    t.targets.length === 0
      ? `${t.label}: no change of state`
      : `${t.label} → ${t.targets.map((id) => state(id).path.join(".")).join(", ")}`,
  );
  /** The root's note goes on its initial state (its first region, for a parallel root). */
  const rootAnchor = model.root.initial[0] ?? model.root.children[0];
  const rootNote = [
    ...(remarks.get(rootId) ?? []),
    ...(everywhere.length > 0 ? [everyStateHeading, ...everywhere] : []),
  ];

  const lines: string[] = ["stateDiagram-v2", ...(options.comments ?? []).map((c) => `${indentUnit}%% ${c}`)];
  const emit = (depth: number, text: string) => lines.push(`${indentUnit.repeat(depth)}${text}`);

  /** The contents of a block: its initial arrow, its states, the arrows inside it, finals, notes. */
  const block = (node: ChartState, depth: number): void => {
    const children = node.children.map(state);
    if (node.kind === "parallel") {
      children.forEach((region, i) => {
        if (i > 0) emit(depth, "--");
        declare(region, depth);
      });
    } else {
      for (const target of node.initial) emit(depth, `[*] --> ${idOf(target)}`);
      for (const child of children) declare(child, depth);
    }
    for (const [ends, labels] of arrows.get(node.id) ?? [])
      emit(depth, `${ends} : ${labels.join(labelBreak)}`);
    for (const child of children) if (child.kind === "final") emit(depth, `${idOf(child.id)} --> [*]`);
    for (const child of children) {
      // Mermaid keeps one note per state: the composite's own lines and the root's share it.
      const texts = [
        ...(isComposite(child) ? (remarks.get(child.id) ?? []) : []),
        ...(child.id === rootAnchor ? rootNote : []),
      ];
      if (texts.length === 0) continue;
      emit(depth, `note right of ${idOf(child.id)}`);
      for (const text of texts) emit(depth + 1, text);
      emit(depth, "end note");
    }
  };

  const declare = (node: ChartState, depth: number): void => {
    const id = idOf(node.id);
    if (isComposite(node)) {
      if (id !== node.key) emit(depth, `state "${node.key}" as ${id}`);
      emit(depth, `state ${id} {`);
      block(node, depth + 1);
      emit(depth, "}");
      return;
    }
    const texts = remarks.get(node.id) ?? [];
    if (texts.length === 0) {
      // A bare id: `state <id>` right before `state <other> {` trips Mermaid's parser.
      emit(depth, id === node.key ? id : `state "${node.key}" as ${id}`);
      return;
    }
    // With descriptions, Mermaid shows the first one as the state's title and the others under it.
    for (const text of [node.key, ...texts]) emit(depth, `${id} : ${text}`);
  };

  block(model.root, 1);
  return `${lines.join("\n")}\n`;
}
