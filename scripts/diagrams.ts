/**
 * Writes the statechart diagrams, generated from the machines themselves (never drawn by hand):
 * `docs/diagrams/<name>.mmd` for each machine below, and the same diagram as a fenced ```mermaid block
 * between `<!-- diagram:<name>:start -->` and `<!-- diagram:<name>:end -->` in each doc that embeds it,
 * so GitHub renders it. Run `npm run docs:diagrams` after changing a machine;
 * `test/docs/diagrams.test.ts` fails while a diagram is stale.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AnyStateMachine } from "xstate";
import { backupMachine } from "../machines/backup.js";
import { mailboxMachine } from "../machines/mailbox.js";
import { toMermaid } from "./statechart-mermaid.js";

export interface DiagramSpec {
  /** Names the files: `docs/diagrams/<name>.mmd` and the `diagram:<name>` markers. */
  name: string;
  machine: AnyStateMachine;
  /** Where the machine is defined, relative to the project root (named in the diagram). */
  source: string;
  /** Docs (relative to the project root) that hold the diagram between its markers. */
  embedIn: readonly string[];
}

/** One line per machine. */
export const diagrams: readonly DiagramSpec[] = [
  { name: "mailbox", machine: mailboxMachine, source: "machines/mailbox.ts", embedIn: ["docs/states.md"] },
  { name: "backup", machine: backupMachine, source: "machines/backup.ts", embedIn: ["docs/backup.md"] },
];

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

export function diagramFile(spec: DiagramSpec): string {
  return `docs/diagrams/${spec.name}.mmd`;
}

export function diagramText(spec: DiagramSpec): string {
  return toMermaid(spec.machine, {
    comments: [
      `Generated from ${spec.source} by scripts/diagrams.ts. Do not edit: run \`npm run docs:diagrams\`.`,
    ],
  });
}

export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- diagram:${name}:start -->`, end: `<!-- diagram:${name}:end -->` };
}

/** What goes between the markers. */
export function embeddedBlock(diagram: string): string {
  return `\n\`\`\`mermaid\n${diagram}\`\`\`\n`;
}

function markerPositions(doc: string, name: string, file: string): { from: number; to: number } {
  const { start, end } = markers(name);
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to === -1 || to < from || doc.indexOf(start, from + 1) !== -1) {
    throw new Error(`${file} must hold ${start} and then ${end}, once each`);
  }
  return { from: from + start.length, to };
}

/** The text between a diagram's markers in `doc`. */
export function extractEmbedded(doc: string, name: string, file: string): string {
  const { from, to } = markerPositions(doc, name, file);
  return doc.slice(from, to);
}

/** `doc` with the diagram's block replaced. */
export function embed(doc: string, name: string, diagram: string, file: string): string {
  const { from, to } = markerPositions(doc, name, file);
  return `${doc.slice(0, from)}${embeddedBlock(diagram)}${doc.slice(to)}`;
}

/** Every generated file with its expected content (relative path → text), embedding docs included. */
export async function expectedFiles(root: string = projectRoot): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const spec of diagrams) {
    const diagram = diagramText(spec);
    files.set(diagramFile(spec), diagram);
    for (const doc of spec.embedIn) {
      const current = files.get(doc) ?? (await readFile(join(root, doc), "utf8"));
      files.set(doc, embed(current, spec.name, diagram, doc));
    }
  }
  return files;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function main(): Promise<void> {
  for (const [file, text] of await expectedFiles()) {
    const path = join(projectRoot, file);
    if ((await readIfExists(path)) === text) {
      process.stdout.write(`up to date  ${file}\n`);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    process.stdout.write(`wrote       ${file}\n`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
