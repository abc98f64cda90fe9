/**
 * DOT to SVG offline: Graphviz compiled to WebAssembly (`@viz-js/viz`), no browser, no network.
 * Loaded on first use only, so commands that draw nothing do not pay for the WebAssembly module.
 */

export interface RenderedSvg {
  svg: string;
  /** Graphviz's warnings (a well-formed chart has none). */
  warnings: string[];
}

export class DiagramRenderError extends Error {
  override readonly name = "DiagramRenderError";
}

/** Renders DOT as an SVG document. Throws DiagramRenderError when Graphviz cannot lay it out. */
export async function renderSvg(dot: string): Promise<RenderedSvg> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  const result = viz.render(dot, { format: "svg", engine: "dot" });
  const messages = result.errors.map((e) => `${e.level ?? "error"}: ${e.message.trim()}`);
  if (result.status !== "success") {
    throw new DiagramRenderError(
      `Graphviz could not draw the chart: ${messages.join("; ") || "unknown error"}`,
    );
  }
  return { svg: result.output, warnings: messages };
}
