/**
 * The generated diagrams: (a) the Mermaid text, read back, holds every state of the mailbox machine in the
 * composite it belongs to and every transition with its source, event, guard and target, and nothing
 * else; (b) the committed `docs/diagrams/*.mmd` and the blocks embedded in the docs equal freshly
 * generated output.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AnyStateNode, AnyTransitionDefinition } from "xstate";
import { mailboxMachine } from "../../machines/mailbox.js";
import {
  diagramFile,
  diagrams,
  diagramText,
  embeddedBlock,
  extractEmbedded,
  projectRoot,
} from "../../scripts/diagrams.js";
import { everyStateHeading, labelBreak, toMermaid } from "../../scripts/statechart-mermaid.js";

/** What a diagram says, read back from its text. */
interface ReadDiagram {
  /** Mermaid id → the state's path of keys from the root (`["running", "locking"]`). */
  states: Map<string, string[]>;
  /** One entry per label line: `from --> to : label`, and the path of the block it was written in. */
  arrows: { from: string; to: string; label: string; scope: string[] }[];
  /** Description lines and note lines, by the Mermaid id they are attached to. */
  remarks: Map<string, string[]>;
}

function readDiagram(text: string): ReadDiagram {
  const lines = text.split("\n").map((line) => line.trim());
  expect(lines[0]).toBe("stateDiagram-v2");
  const states = new Map<string, string[]>();
  const arrows: ReadDiagram["arrows"] = [];
  const remarks = new Map<string, string[]>();
  const scope: string[] = [];
  const declare = (id: string, key = id) => {
    if (id !== "[*]" && !states.has(id)) states.set(id, [...scope, key]);
  };
  const remark = (id: string, text: string) => remarks.set(id, [...(remarks.get(id) ?? []), text]);
  let note: string | null = null;
  /** Line forms, tried in order; each handler gets the match's groups. */
  const forms: [RegExp, (...groups: string[]) => void][] = [
    [/^$|^%%|^--$/, () => undefined],
    [
      /^state (\w+) \{$/,
      (id) => {
        declare(id);
        scope.push((states.get(id) ?? []).at(-1) ?? id);
      },
    ],
    [/^\}$/, () => scope.pop()],
    [/^note (?:left|right) of (\w+)$/, (id) => (note = id)],
    [
      /^(\[\*\]|\w+) --> (\[\*\]|\w+)(?: : (.*))?$/,
      (from, to, labels) => {
        declare(from);
        declare(to);
        for (const label of labels?.split(labelBreak) ?? [""])
          arrows.push({ from, to, label, scope: [...scope] });
      },
    ],
    [/^state "([^"]+)" as (\w+)$/, (key, id) => declare(id, key)],
    // The first description line of a state is its key (Mermaid shows it as the title).
    [
      /^(\w+) : (.*)$/,
      (id, text) => {
        declare(id, text);
        remark(id, text);
      },
    ],
    [/^(\w+)$/, (id) => declare(id)],
  ];
  for (const line of lines.slice(1)) {
    if (note !== null) {
      if (line === "end note") note = null;
      else remark(note, line);
      continue;
    }
    const form = forms.find(([pattern]) => pattern.test(line));
    if (form === undefined) throw new Error(`unexpected diagram line: ${line}`);
    const [pattern, handle] = form;
    handle(...(pattern.exec(line) ?? []).slice(1));
  }
  expect(scope).toEqual([]);
  return { states, arrows, remarks };
}

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
  const text = toMermaid(machine);
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
    expect(toMermaid(machine)).toBe(text);
  });
});

describe("the committed diagrams", () => {
  const stale = (file: string) => `${file} is stale: run \`npm run docs:diagrams\` and commit the result`;

  it.each(diagrams.map((spec) => [spec.name, spec] as const))(
    "%s: docs/diagrams matches the machine",
    async (_name, spec) => {
      const file = diagramFile(spec);
      const committed = await readFile(join(projectRoot, file), "utf8").catch(() => "(missing)");
      expect(committed, stale(file)).toBe(diagramText(spec));
    },
  );

  it.each(diagrams.flatMap((spec) => spec.embedIn.map((doc) => [spec.name, doc, spec] as const)))(
    "%s: the block in %s matches the machine",
    async (_name, doc, spec) => {
      const text = await readFile(join(projectRoot, doc), "utf8");
      expect(extractEmbedded(text, spec.name, doc), stale(doc)).toBe(embeddedBlock(diagramText(spec)));
    },
  );
});
