/**
 * Diagram generation for every registered machine: the Mermaid, DOT and SVG output each hold every state
 * (in the composite it belongs to) and every transition (source, event, guard, target), checked against
 * the machine's own state nodes, not against the model the renderers use.
 */
import { describe, expect, it } from "vitest";
import type { AnyStateNode } from "xstate";
import { toDot } from "../../src/viz/dot.js";
import { everyStateHeading, toMermaid } from "../../src/viz/mermaid.js";
import { chartModel } from "../../src/viz/model.js";
import { chartFor, charts, UnknownChartError } from "../../src/viz/registry.js";
import { renderSvg } from "../../src/viz/svg.js";
import { kitchenSink } from "./kitchen-sink.js";
import { expectedTransitions } from "./machine-walk.js";
import { readMermaid } from "./read-mermaid.js";

const unescapeXml = (text: string) =>
  text
    .replace(/&#45;/g, "-")
    .replace(/&gt;/g, ">")
    .replace(/&lt;/g, "<")
    .replace(/&quot;/g, '"')
    .replace(/&#160;/g, " ")
    .replace(/&amp;/g, "&");

/** The SVG's groups: id, class, title and the text lines inside. */
function svgGroups(svg: string): { id: string; cls: string; title: string; texts: string[] }[] {
  const groups: { id: string; cls: string; title: string; texts: string[] }[] = [];
  for (const match of svg.matchAll(/<g id="([^"]+)" class="([^"]+)">([\s\S]*?)<\/g>/g)) {
    const body = match[3] ?? "";
    groups.push({
      id: unescapeXml(match[1] ?? ""),
      cls: match[2] ?? "",
      // Edge titles are `tail->head`, with a compass port on loops (`a:e->a:n`): dropped.
      title: unescapeXml(/<title>([\s\S]*?)<\/title>/.exec(body)?.[1] ?? "").replace(
        /:(?:n|e|s|w|ne|nw|se|sw|c)(?=->|$)/g,
        "",
      ),
      texts: [...body.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((t) => unescapeXml(t[1] ?? "").trim()),
    });
  }
  return groups;
}

describe.each([...charts, kitchenSink].map((spec) => [spec.name, spec] as const))(
  "the %s chart",
  (_name, spec) => {
    const { machine } = spec;
    const root = machine.root as AnyStateNode;
    const expected = expectedTransitions(machine);
    const composite = (id: string) =>
      expected.states.some((s) => s.id === id && (s.type === "compound" || s.type === "parallel"));
    const anchor = (id: string) => (composite(id) ? `${id}#start` : id);
    const model = chartModel(machine);

    it("Mermaid: every state in its composite, every transition drawn or noted", () => {
      const text = toMermaid(model);
      const diagram = readMermaid(text);
      const xstateId = new Map([...diagram.states].map(([id, path]) => [id, [root.id, ...path].join(".")]));
      expect([...xstateId.values()].sort()).toEqual(expected.states.map((s) => s.id).sort());
      const drawn = diagram.arrows
        .filter((a) => a.from !== "[*]" && a.to !== "[*]")
        .map((a) => `${xstateId.get(a.from)} --${a.label}--> ${xstateId.get(a.to)}`);
      const withTarget = expected.transitions.filter((t) => t.target !== null);
      expect(drawn.sort()).toEqual(withTarget.map((t) => `${t.source} --${t.label}--> ${t.target}`).sort());
      const remarks = [...diagram.remarks.values()].flat();
      for (const t of expected.transitions.filter((t) => t.target === null)) {
        expect(remarks).toContain(`${t.label}: no change of state`);
      }
      if (expected.rootTransitions.length > 0) expect(remarks).toContain(everyStateHeading);
      for (const node of expected.states)
        for (const inv of node.invoke) expect(text).toContain(`invokes ${String(inv.src)}`);
      expect(toMermaid(chartModel(machine))).toBe(text);
    });

    it("DOT: every state and every transition, with the ids the live page highlights", () => {
      const dot = toDot(model);
      for (const node of expected.states) expect(dot).toContain(`id="state:${node.id}"`);
      const edges = [
        ...dot.matchAll(/^\s*"([^"]+)" -> "([^"]+)" \[id="transition:[^"]+", .*label=" (.*?) "/gm),
      ].map((m) => `${m[1]} --${m[2] === undefined ? "" : m[3]}--> ${m[2]}`);
      const withTarget = expected.transitions.filter((t) => t.target !== null);
      expect(edges.sort()).toEqual(
        withTarget.map((t) => `${anchor(t.source)} --${t.label}--> ${anchor(t.target ?? "")}`).sort(),
      );
    });

    it("SVG (Graphviz, offline): a clean layout holding every state and labelled transition", async () => {
      const { svg, warnings } = await renderSvg(toDot(model));
      expect(warnings).toEqual([]);
      expect(svg).toMatch(/<svg [^>]*viewBox=/);
      const groups = svgGroups(svg);
      const states = groups.filter((g) => g.id.startsWith("state:"));
      expect(states.map((g) => g.id.slice(6)).sort()).toEqual(expected.states.map((s) => s.id).sort());
      for (const group of states)
        expect(group.texts[0]).toMatch(new RegExp(`^${group.id.split(".").at(-1)}( \\(parallel\\))?$`));
      const edges = groups
        .filter((g) => g.id.startsWith("transition:"))
        .map((g) => `${g.title.replace("->", ` --${g.texts.join(" ")}--> `)}`);
      const withTarget = expected.transitions.filter((t) => t.target !== null);
      expect(edges.sort()).toEqual(
        withTarget.map((t) => `${anchor(t.source)} --${t.label}--> ${anchor(t.target ?? "")}`).sort(),
      );
    });
  },
);

describe("the registry", () => {
  it("names the available charts when asked for one it does not have", () => {
    expect(chartFor("mailbox").machine.id).toBe("mailbox");
    expect(() => chartFor("nope")).toThrow(UnknownChartError);
    expect(() => chartFor("nope")).toThrow(/available: mailbox/);
  });

  it("finds the active states of a state value, ancestors included", async () => {
    const { activeStateIds } = await import("../../src/viz/model.js");
    expect(activeStateIds("mailbox", { running: "pushing" })).toEqual([
      "mailbox.running",
      "mailbox.running.pushing",
    ]);
    expect(activeStateIds("m", { a: { b: "c" }, d: "e" })).toEqual([
      "m.a",
      "m.a.b",
      "m.a.b.c",
      "m.d",
      "m.d.e",
    ]);
  });
});
