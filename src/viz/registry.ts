/**
 * Every statechart the project draws, one line per machine: `viz`, the live page and the docs script
 * (`scripts/diagrams.ts`) all read this list. Adding a machine is adding its line.
 */
import type { AnyStateMachine } from "xstate";
import { backupMachine } from "../../machines/backup.js";
import { bisyncMachine } from "../../machines/bisync.js";
import { mailboxMachine } from "../../machines/mailbox.js";
import { mirrorMachine } from "../../machines/mirror.js";

export interface ChartSpec {
  /** The `--mode` value and the diagram's file name: `docs/diagrams/<name>.{mmd,svg}`. */
  name: string;
  machine: AnyStateMachine;
  /** Where the machine is defined, relative to the project root (named in generated files). */
  source: string;
  /** Docs (relative to the project root) that embed the Mermaid diagram between its markers. */
  embedIn: readonly string[];
}

/** One line per machine. */
export const charts: readonly ChartSpec[] = [
  { name: "mailbox", machine: mailboxMachine, source: "machines/mailbox.ts", embedIn: ["docs/states.md"] },
  { name: "mirror", machine: mirrorMachine, source: "machines/mirror.ts", embedIn: ["docs/states.md"] },
  { name: "bisync", machine: bisyncMachine, source: "machines/bisync.ts", embedIn: ["docs/states.md"] },
  { name: "backup", machine: backupMachine, source: "machines/backup.ts", embedIn: ["docs/backup.md"] },
];

export class UnknownChartError extends Error {
  override readonly name = "UnknownChartError";
}

export function chartNames(list: readonly ChartSpec[] = charts): string[] {
  return list.map((c) => c.name);
}

/** The chart called `name`; a clear error listing the available ones otherwise. */
export function chartFor(name: string, list: readonly ChartSpec[] = charts): ChartSpec {
  const found = list.find((c) => c.name === name);
  if (found) return found;
  throw new UnknownChartError(
    `--mode "${name}" has no statechart in this version; available: ${chartNames(list).join(", ")}`,
  );
}
