/**
 * A chart model as a Graphviz DOT graph, for SVG through `@viz-js/viz` (see `svg.ts`).
 *
 * - Atomic and final states are rounded boxes (finals with a double border); compound and parallel
 *   states are clusters (parallel ones dashed, their regions clusters inside), entered through a small
 *   dot, their initial pseudostate, that points at the initial child.
 * - Every transition with a target is one edge labelled `event [guard]`; delayed transitions are dashed,
 *   eventless ones dotted, an invoke's done/error edges coloured. An edge to or from a composite state
 *   is clipped at the cluster's border (`lhead`/`ltail`).
 * - Invoked actors and transitions that keep the state are written inside the state; the root's
 *   transitions are listed once in a note.
 * - The SVG keeps the ids given here: `state:<xstate id>` on every state (node or cluster),
 *   `transition:<index>:<target>` on every edge, so the live page can highlight what is active.
 */
import { type ChartModel, type ChartState, type ChartTransition, isComposite, statesById } from "./model.js";

export interface DotOptions {
  /** Comment lines written at the top (`// ...`). */
  comments?: readonly string[];
  /** `TB` (top to bottom, default) or `LR`. */
  rankdir?: "TB" | "LR";
}

export const stateSvgId = (id: string): string => `state:${id}`;
export const transitionSvgId = (t: ChartTransition, target: number): string =>
  `transition:${t.index}:${target}`;

const font = "Helvetica";
const quote = (text: string): string => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const html = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An HTML-like label: the state's name in bold, smaller lines under it. */
function stateLabel(title: string, notes: readonly string[]): string {
  const small = notes.map((n) => `<br/><font point-size="9" color="#475569">${html(n)}</font>`).join("");
  return `<<b>${html(title)}</b>${small}>`;
}

const attrs = (values: Record<string, string | undefined>): string =>
  `[${Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ")}]`;

const edgeStyle: Record<ChartTransition["kind"], Record<string, string>> = {
  event: {},
  always: { style: "dotted" },
  after: { style: "dashed", color: quote("#7c3aed"), fontcolor: quote("#6d28d9") },
  done: { color: quote("#0f766e"), fontcolor: quote("#0f766e") },
  "actor-done": { color: quote("#15803d"), fontcolor: quote("#15803d") },
  "actor-error": { color: quote("#b91c1c"), fontcolor: quote("#b91c1c") },
};

export function toDot(model: ChartModel, options: DotOptions = {}): string {
  const byId = statesById(model);
  const state = (id: string): ChartState => {
    const found = byId.get(id);
    if (found === undefined) throw new Error(`unknown state ${id}`);
    return found;
  };
  /** What no edge shows, written inside the state. */
  const notes = new Map<string, string[]>();
  const note = (id: string, text: string) => notes.set(id, [...(notes.get(id) ?? []), text]);
  for (const s of model.states) for (const invoke of s.invokes) note(s.id, `invokes ${invoke.src}`);
  for (const t of model.transitions) if (t.targets.length === 0) note(t.source, `${t.label}: stays`);

  /** The node an edge to or from a state attaches to: composites through their entry dot. */
  const anchor = (id: string): string => (isComposite(state(id)) ? `${id}#start` : id);
  const inside = (id: string, ancestor: string): boolean => {
    for (let at: string | null | undefined = id; at != null; at = byId.get(at)?.parent) {
      if (at === ancestor) return true;
    }
    return false;
  };

  const lines: string[] = [
    ...(options.comments ?? []).map((c) => `// ${c}`),
    `digraph ${quote(model.machineId)} {`,
    `  graph ${attrs({ id: quote(`chart:${model.machineId}`), compound: "true", rankdir: options.rankdir ?? "TB", fontname: quote(font), fontsize: "12", nodesep: "0.35", ranksep: "0.45", bgcolor: "transparent" })};`,
    `  node ${attrs({ shape: "box", style: quote("rounded,filled"), fillcolor: quote("#ffffff"), color: quote("#334155"), fontname: quote(font), fontsize: "11", margin: quote("0.12,0.06") })};`,
    `  edge ${attrs({ color: quote("#475569"), fontname: quote(font), fontsize: "9", fontcolor: quote("#1e293b"), arrowsize: "0.7" })};`,
  ];
  const emit = (depth: number, text: string) => lines.push(`${"  ".repeat(depth)}${text}`);
  const entryDot = (depth: number, owner: ChartState) => {
    const dot = `${owner.id}#start`;
    const visible = owner.kind !== "parallel";
    emit(
      depth,
      `${quote(dot)} ${attrs({ id: quote(`initial:${owner.id}`), shape: "point", width: visible ? "0.12" : "0.01", style: visible ? "filled" : "invis", fillcolor: quote("#0f172a"), label: quote("") })};`,
    );
    for (const target of owner.kind === "parallel" ? [] : owner.initial) {
      emit(depth, `${quote(dot)} -> ${quote(anchor(target))} ${attrs(entryHead(target))};`);
    }
  };
  const entryHead = (target: string): Record<string, string | undefined> =>
    isComposite(state(target)) ? { lhead: quote(`cluster_${target}`) } : {};

  const declare = (s: ChartState, depth: number): void => {
    const title = s.kind === "parallel" ? `${s.key} (parallel)` : s.key;
    if (isComposite(s)) {
      emit(depth, `subgraph ${quote(`cluster_${s.id}`)} {`);
      emit(
        depth + 1,
        `graph ${attrs({ id: quote(stateSvgId(s.id)), class: quote(`state ${s.kind}`), label: stateLabel(title, notes.get(s.id) ?? []), labeljust: "l", style: quote(s.kind === "parallel" ? "rounded,dashed" : "rounded"), color: quote("#334155"), penwidth: "1.2" })};`,
      );
      entryDot(depth + 1, s);
      for (const child of s.children) declare(state(child), depth + 1);
      emit(depth, "}");
      return;
    }
    emit(
      depth,
      `${quote(s.id)} ${attrs({ id: quote(stateSvgId(s.id)), class: quote(`state ${s.kind}`), label: stateLabel(title, notes.get(s.id) ?? []), peripheries: s.kind === "final" ? "2" : undefined })};`,
    );
  };

  entryDot(1, model.root);
  for (const child of model.root.children) declare(state(child), 1);

  for (const t of model.transitions) {
    t.targets.forEach((target, i) => {
      const from = anchor(t.source);
      const to = anchor(target);
      const self = t.source === target;
      const clip: Record<string, string | undefined> = {
        ltail:
          isComposite(state(t.source)) && !self && !inside(target, t.source)
            ? quote(`cluster_${t.source}`)
            : undefined,
        lhead:
          isComposite(state(target)) && !self && !inside(t.source, target)
            ? quote(`cluster_${target}`)
            : undefined,
      };
      // A loop on a composite's entry dot would hide under it: it leaves to the east, comes back from above.
      const loop = self && isComposite(state(target)) ? { tailport: "e", headport: "n" } : {};
      emit(
        1,
        `${quote(from)} -> ${quote(to)} ${attrs({ id: quote(transitionSvgId(t, i)), class: quote(`transition ${t.kind}`), label: quote(` ${t.label} `), ...clip, ...loop, ...edgeStyle[t.kind] })};`,
      );
    });
  }

  const everywhere = [
    ...model.root.invokes.map((invoke) => `the machine invokes ${invoke.src}`),
    ...model.everywhere.map((t) =>
      t.targets.length === 0
        ? `${t.label}: stays`
        : `${t.label} -> ${t.targets.map((id) => state(id).path.join(".")).join(", ")}`,
    ),
  ];
  if (everywhere.length > 0) {
    const text = ["In every state, unless it handles the event itself:", ...everywhere]
      .map((line) => `${html(line)}<br align="left"/>`)
      .join("");
    emit(
      1,
      `${quote(`${model.machineId}#everywhere`)} ${attrs({ id: quote("note:everywhere"), shape: "note", style: "filled", fillcolor: quote("#fefce8"), color: quote("#a16207"), fontsize: "9", label: `<${text}>` })};`,
    );
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
