/**
 * Writes the statechart diagrams, generated from the machines themselves (never drawn by hand): for each
 * chart in `src/viz/registry.ts`, `docs/diagrams/<name>.mmd` (Mermaid), `docs/diagrams/<name>.svg`
 * (Graphviz, rendered offline), and the Mermaid diagram as a fenced ```mermaid block between
 * `<!-- diagram:<name>:start -->` and `<!-- diagram:<name>:end -->` in each doc that embeds it, so GitHub
 * renders it. Run `npm run docs:diagrams` after changing a machine; `test/docs/diagrams.test.ts` fails
 * while a diagram is stale.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ChartSpec, charts } from "../src/viz/registry.js";
import { renderChart } from "../src/viz/render.js";

export type { ChartSpec as DiagramSpec } from "../src/viz/registry.js";
/** The charts drawn into `docs/diagrams` (the registry: one line per machine). */
export const diagrams: readonly ChartSpec[] = charts;

export const projectRoot = fileURLToPath(new URL("..", import.meta.url));

export function diagramFile(spec: ChartSpec, extension: "mmd" | "svg" = "mmd"): string {
  return `docs/diagrams/${spec.name}.${extension}`;
}

function comments(spec: ChartSpec): string[] {
  return [
    `Generated from ${spec.source} by scripts/diagrams.ts. Do not edit: run \`npm run docs:diagrams\`.`,
  ];
}

export function diagramText(spec: ChartSpec): Promise<string> {
  return renderChart(spec, "mermaid", { comments: comments(spec) });
}

export function diagramSvg(spec: ChartSpec): Promise<string> {
  return renderChart(spec, "svg", { comments: comments(spec) });
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
    const diagram = await diagramText(spec);
    files.set(diagramFile(spec, "mmd"), diagram);
    files.set(diagramFile(spec, "svg"), await diagramSvg(spec));
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
