/**
 * The live page: one self-contained HTML document (styles and script inline, allowed by a CSP nonce; the
 * chart inline as SVG), so it works with no network. The script is plain browser JavaScript kept in
 * `page-script.ts`.
 */
import { chartModel } from "../model.js";
import type { ChartSpec } from "../registry.js";
import { pageScript } from "./page-script.js";
import { pageStyle } from "./page-style.js";

export interface PageOptions {
  nonce: string;
  base: string;
  token: string | null;
  title: string;
  chart: ChartSpec;
  svg: string;
  /** Show the plain summary panel (the server sends `summary` events). */
  summary: boolean;
  /** Framed by OpenClaw's dashboard (authenticated by its cookie grant): say so when no data arrives. */
  embedded?: boolean;
  /** Where and with what the page reads its live data instead of `base` (the tab's capability). */
  capability?: { base: string; value: string } | null;
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JSON safe inside a `<script>` element. */
const scriptJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");

/** The `<svg>` element alone (no XML declaration, doctype or comments before it). */
export function inlineSvg(svg: string): string {
  const start = svg.indexOf("<svg");
  return start === -1 ? svg : svg.slice(start);
}

export function livePage(options: PageOptions): string {
  const model = chartModel(options.chart.machine);
  const config = {
    base: options.capability?.base ?? options.base,
    token: options.token,
    cap: options.capability?.value ?? null,
    embedded: options.embedded === true,
    machineId: model.machineId,
    transitions: model.transitions.flatMap((t) =>
      t.targets.map((target, i) => ({
        id: `transition:${t.index}:${i}`,
        source: t.source,
        target,
        eventType: t.eventType,
      })),
    ),
  };
  const title = escapeHtml(options.title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>workspace-sync: ${title}</title>
<style nonce="${options.nonce}">${pageStyle}</style>
</head>
<body>
<header>
  <h1>workspace-sync <span class="muted">${title}</span></h1>
  <span id="connection" class="pill">connecting</span>
</header>
<p id="blocked" class="blocked" role="alert" hidden>No live data reaches this tab: the plugin turned away the page's
  requests. The tab reads through a read-only link that lasts 10 minutes while the tab is closed and ends when the
  plugin or the gateway restarts. Open the tab again (or reload the dashboard). Meanwhile <code>/sync status</code>
  in the chat, or <code>openclaw workspace-sync status</code>, tells the same state.</p>
<section id="summary" class="summary" aria-label="summary" aria-live="polite"${options.summary ? "" : " hidden"}>
  <div class="fact"><span class="label">Now</span><span id="sum-now">…</span></div>
  <div class="fact"><span class="label">Last sync</span><span id="sum-last">…</span></div>
  <div class="fact"><span class="label">Next sync</span><span id="sum-next">…</span></div>
  <div class="fact problem" id="sum-problem-box"><span class="label">What is wrong</span><span><span id="sum-problem">…</span> <span id="sum-fix" class="fix"></span></span></div>
</section>
<section id="progress" class="progress" aria-label="transfer progress" hidden>
  <div id="progress-meter" class="meter" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><div id="progress-bar"></div></div>
  <div class="progress-line"><span id="progress-bytes"></span><span id="progress-files"></span><span id="progress-speed"></span><span id="progress-eta"></span></div>
  <ul id="progress-current" aria-label="files being transferred"></ul>
</section>
<div id="travel" hidden>
  <span>Time travel: the state right after <b id="travel-label"></b>, rebuilt from the log.</span>
  <button id="back-to-live" type="button">Back to live</button>
</div>
<main>
  <section id="chart" aria-label="statechart">${inlineSvg(options.svg)}</section>
  <aside>
    <section class="card">
      <h2>State <span id="state-seq" class="muted"></span></h2>
      <div id="current-state" class="state-name">…</div>
      <p id="event-error" class="event-error" role="status" hidden></p>
      <details id="context-box"><summary>Context</summary><pre id="context"></pre></details>
    </section>
    <section class="card timeline">
      <h2>Events <span class="muted">newest first; select one (or step with ↑ ↓, Esc for live) to see the state after it</span></h2>
      <table>
        <thead><tr><th>#</th><th>time</th><th>event</th><th>→ state</th><th title="how long the state this event led to lasted">took</th><th>error</th></tr></thead>
        <tbody id="timeline"></tbody>
      </table>
    </section>
  </aside>
</main>
<script type="application/json" id="config">${scriptJson(config)}</script>
<script nonce="${options.nonce}">${pageScript}</script>
</body>
</html>
`;
}
