/**
 * The generated diagrams (the generic checks for every machine are in test/viz/diagrams.test.ts):
 * (a) the mailbox's Mermaid text, read back, holds every state of the mailbox machine in the
 * composite it belongs to and every transition with its source, event, guard and target, and nothing
 * else; (b) the committed `docs/diagrams/*.{mmd,svg}` and the blocks embedded in the docs equal freshly
 * generated output.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnyStateNode, AnyTransitionDefinition } from "xstate";
import { mailboxMachine } from "../../machines/mailbox.js";
import {
  diagramFile,
  diagramSvg,
  diagrams,
  diagramText,
  embeddedBlock,
  extractEmbedded,
  projectRoot,
} from "../../scripts/diagrams.js";
import { everyStateHeading, toMermaid } from "../../src/viz/mermaid.js";
import { chartModel } from "../../src/viz/model.js";
import { readMermaid as readDiagram } from "../viz/read-mermaid.js";

function allNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => allNodes(child as AnyStateNode))];
}

function transitionsOf(node: AnyStateNode): AnyTransitionDefinition[] {
  return [...node.transitions.values()].flat() as AnyTransitionDefinition[];
}

/** How the diagram names an event: a state's own completion is `done`. */
function eventName(transition: AnyTransitionDefinition): string {
  const type = transition.eventType;
  return type === `xstate.done.state.${transition.source.id}` ? "done" : type;
}

describe("the mailbox diagram", () => {
  const machine = mailboxMachine;
  const root = machine.root as AnyStateNode;
  const text = toMermaid(chartModel(machine));
  const diagram = readDiagram(text);
  /** XState id of each Mermaid id, and back. */
  const xstateId = new Map([...diagram.states].map(([id, path]) => [id, [root.id, ...path].join(".")]));
  const mermaidId = new Map([...xstateId].map(([id, xid]) => [xid, id]));
  const nodes = allNodes(root).slice(1);
  const remarksOf = (node: AnyStateNode) => diagram.remarks.get(mermaidId.get(node.id) ?? "") ?? [];

  it("holds every state node, in the composite it belongs to, and no other", () => {
    expect([...xstateId.values()].sort()).toEqual(nodes.map((n) => n.id).sort());
    for (const node of nodes) expect(text).toContain(node.key);
  });

  it("starts each level at its initial state and ends final states", () => {
    for (const node of [root, ...nodes]) {
      const initial = (node.initial?.target ?? []) as AnyStateNode[];
      for (const target of initial) {
        const scope = node === root ? [] : node.path;
        expect(diagram.arrows).toContainEqual({
          from: "[*]",
          to: mermaidId.get(target.id),
          label: "",
          scope,
        });
      }
    }
    const finals = nodes.filter((n) => n.type === "final");
    expect(finals.map((n) => n.id)).toEqual(["mailbox.running.done"]);
    for (const node of finals) {
      expect(diagram.arrows).toContainEqual({
        from: mermaidId.get(node.id),
        to: "[*]",
        label: "",
        scope: node.path.slice(0, -1),
      });
    }
  });

  it("draws every transition with a target, labelled event [guard], and nothing else", () => {
    const expected: string[] = [];
    for (const node of nodes) {
      for (const [eventType, list] of node.transitions) {
        const guarded = (list as AnyTransitionDefinition[]).map((t) => t.guard !== undefined);
        (list as AnyTransitionDefinition[]).forEach((t, i) => {
          const guard =
            typeof t.guard === "string"
              ? ` [${t.guard}]`
              : guarded.slice(0, i).some(Boolean)
                ? " [else]"
                : "";
          expect(t.guard === undefined || typeof t.guard === "string", eventType).toBe(true);
          for (const target of (t.target ?? []) as AnyStateNode[]) {
            expected.push(`${node.id} --${eventName(t)}${guard}--> ${target.id}`);
          }
        });
      }
    }
    const drawn = diagram.arrows
      .filter((a) => a.from !== "[*]" && a.to !== "[*]")
      .map((a) => `${xstateId.get(a.from)} --${a.label}--> ${xstateId.get(a.to)}`);
    expect(drawn.sort()).toEqual(expected.sort());
    // The onDone transitions are there, as `done`.
    expect(drawn).toContain("mailbox.running --done [hasPending]--> mailbox.running");
    expect(drawn).toContain("mailbox.running --done [else]--> mailbox.idle");
  });

  it("writes each arrow where both its ends are in scope, so Mermaid moves no state", () => {
    for (const arrow of diagram.arrows) {
      for (const end of [arrow.from, arrow.to]) {
        if (end === "[*]") continue;
        const parent = (diagram.states.get(end) ?? []).slice(0, -1);
        expect(parent.slice(0, arrow.scope.length), `${arrow.from} --> ${arrow.to}`).toEqual(arrow.scope);
      }
    }
  });

  it("notes what no arrow shows: invoked actors and transitions that keep the state", () => {
    for (const node of nodes) {
      for (const invoke of node.invoke) expect(remarksOf(node)).toContain(`invokes ${String(invoke.src)}`);
      for (const t of transitionsOf(node).filter((t) => t.target === undefined)) {
        expect(remarksOf(node)).toContain(`${eventName(t)}: no change of state`);
      }
    }
    expect(remarksOf(machine.root.states.running as AnyStateNode)).toEqual([
      "invokes holdLock",
      "syncRequested: no change of state",
      "changesSeen: no change of state",
    ]);
  });

  it("lists the transitions of the root, which apply in every state, once in a note", () => {
    const rootEvents = transitionsOf(root).map((t) => t.eventType);
    expect(rootEvents).toEqual(["hostStarted", "hostStopped"]);
    const notes = [...diagram.remarks.values()].filter((lines) => lines.includes(everyStateHeading));
    expect(notes).toHaveLength(1);
    const note = notes[0] ?? [];
    expect(note.slice(note.indexOf(everyStateHeading) + 1)).toEqual([
      "hostStarted: no change of state",
      "hostStopped: no change of state",
    ]);
    for (const event of rootEvents) {
      expect(diagram.arrows.filter((a) => a.label === event && a.from !== "running")).toEqual([]);
    }
  });

  it("is the same text every time", () => {
    expect(toMermaid(chartModel(machine))).toBe(text);
  });
});

describe("the committed diagrams", () => {
  const stale = (file: string) => `${file} is stale: run \`npm run docs:diagrams\` and commit the result`;

  it.each(diagrams.map((spec) => [spec.name, spec] as const))(
    "%s: docs/diagrams matches the machine",
    async (_name, spec) => {
      const file = diagramFile(spec, "mmd");
      const committed = await readFile(join(projectRoot, file), "utf8").catch(() => "(missing)");
      expect(committed, stale(file)).toBe(await diagramText(spec));
    },
  );

  it.each(diagrams.map((spec) => [spec.name, spec] as const))(
    "%s: the SVG in docs/diagrams matches the machine",
    async (_name, spec) => {
      const file = diagramFile(spec, "svg");
      const committed = await readFile(join(projectRoot, file), "utf8").catch(() => "(missing)");
      expect(committed, stale(file)).toBe(await diagramSvg(spec));
    },
  );

  it.each(diagrams.flatMap((spec) => spec.embedIn.map((doc) => [spec.name, doc, spec] as const)))(
    "%s: the block in %s matches the machine",
    async (_name, doc, spec) => {
      const text = await readFile(join(projectRoot, doc), "utf8");
      expect(extractEmbedded(text, spec.name, doc), stale(doc)).toBe(embeddedBlock(await diagramText(spec)));
    },
  );
});
