/** Reads a generated Mermaid `stateDiagram-v2` back: its states, arrows and remarks, for assertions. */
import { expect } from "vitest";
import { labelBreak } from "../../src/viz/mermaid.js";

export interface ReadDiagram {
  /** Mermaid id → the state's path of keys from the root (`["running", "locking"]`). */
  states: Map<string, string[]>;
  /** One entry per label line: `from --> to : label`, and the path of the block it was written in. */
  arrows: { from: string; to: string; label: string; scope: string[] }[];
  /** Description lines and note lines, by the Mermaid id they are attached to. */
  remarks: Map<string, string[]>;
}

export function readMermaid(text: string): ReadDiagram {
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
