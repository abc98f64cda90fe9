/** One chart in one format: Mermaid text, DOT text, or an SVG drawn offline by Graphviz. */

import { isOneOf } from "../util/json.js";
import { toDot } from "./dot.js";
import { toMermaid } from "./mermaid.js";
import { chartModel } from "./model.js";
import type { ChartSpec } from "./registry.js";
import { renderSvg } from "./svg.js";

export const diagramFormats = ["mermaid", "dot", "svg"] as const;
export type DiagramFormat = (typeof diagramFormats)[number];

export function isDiagramFormat(value: string): value is DiagramFormat {
  return isOneOf(diagramFormats, value);
}

export interface RenderChartOptions {
  /** Lines saying where the diagram comes from, written as comments in every format. */
  comments?: readonly string[];
}

export async function renderChart(
  spec: ChartSpec,
  format: DiagramFormat,
  options: RenderChartOptions = {},
): Promise<string> {
  const model = chartModel(spec.machine);
  const comments = options.comments ?? [`Generated from ${spec.source}.`];
  if (format === "mermaid") return toMermaid(model, { comments });
  const dot = toDot(model, { comments });
  if (format === "dot") return dot;
  const { svg } = await renderSvg(dot);
  return withComments(svg, comments);
}

/** The comments as one XML comment after the XML declaration (`--` is not allowed inside one). */
function withComments(svg: string, comments: readonly string[]): string {
  if (comments.length === 0) return svg;
  const text = `<!-- ${comments.join(" ").replace(/--/g, "- -")} -->\n`;
  const declaration = /^<\?xml[^>]*\?>\n?/.exec(svg);
  if (!declaration) return `${text}${svg}`;
  return `${declaration[0]}${text}${svg.slice(declaration[0].length)}`;
}
