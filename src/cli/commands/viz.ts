import { writeFile } from "node:fs/promises";
import { extname } from "node:path";
import { defineCommand } from "citty";
import { ConfigError } from "../../config/load.js";
import { HostClient } from "../../ipc/client.js";
import { workspacePaths } from "../../paths.js";
import { backupUnitId } from "../../runtime/backup/ids.js";
import { backupLogDir } from "../../runtime/backup/start.js";
import type { Scope } from "../../runtime/scope.js";
import { createLogSource } from "../../viz/live/log-source.js";
import { type ProgressHub, progressHub } from "../../viz/live/progress-feed.js";
import { startLiveServer } from "../../viz/live/server.js";
import { summarizer } from "../../viz/live/summary.js";
import { type ChartSpec, chartFor, chartNames, UnknownChartError } from "../../viz/registry.js";
import { type DiagramFormat, diagramFormats, isDiagramFormat, renderChart } from "../../viz/render.js";
import { type CommonArgs, commonArgs, resolveScope } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { createOutput, type Output } from "../output.js";

const byExtension: Record<string, DiagramFormat> = {
  ".mmd": "mermaid",
  ".dot": "dot",
  ".gv": "dot",
  ".svg": "svg",
};

function formatOf(format: string | undefined, out: string | undefined): DiagramFormat {
  if (format !== undefined) {
    if (isDiagramFormat(format)) return format;
    throw new CliError(
      `--format must be one of ${diagramFormats.join(", ")} (got "${format}")`,
      ExitCode.usage,
    );
  }
  return (out === undefined ? undefined : byExtension[extname(out).toLowerCase()]) ?? "mermaid";
}

function chartOf(name: string): ChartSpec {
  try {
    return chartFor(name);
  } catch (error) {
    if (error instanceof UnknownChartError) throw new CliError(error.message, ExitCode.usage);
    throw error;
  }
}

/** `--mode`, else the configured mode, else (no config file at the default place) mailbox. */
async function chosenChart(
  args: CommonArgs & { mode?: string | undefined },
  out: Output,
): Promise<ChartSpec> {
  if (args.mode !== undefined) return chartOf(args.mode);
  try {
    return chartOf((await resolveScope(args, out)).loaded.sync.mode);
  } catch (error) {
    const noDefaultConfig =
      args.config === undefined && error instanceof ConfigError && error.message.endsWith("file not found");
    if (noDefaultConfig) return chartOf(chartNames()[0] ?? "mailbox");
    throw error;
  }
}

/**
 * Subscribe to the running host's transitions of `unit` and its transfer statistics, if a host runs; null
 * otherwise (the log is polled, and a one-shot sync's progress stays in its own process).
 */
async function followHost(
  resolved: Scope,
  unit: { unit: string } | { workspace: string },
  onEvent: () => void,
  progress: ProgressHub,
): Promise<HostClient | null> {
  const client = await HostClient.connect(resolved.stateDir).catch(() => null);
  if (client === null) return null;
  client
    .call(
      { op: "subscribe", ...unit, progress: true },
      { onStream: onEvent, onStats: (stats) => progress.push(stats) },
    )
    .catch(() => client.close());
  return client;
}

/** The log the page reads and the unit whose events it follows: the backup's, or the workspace's. */
function watchedLog(resolved: Scope, chart: ChartSpec) {
  if (chart.name === "backup") {
    return { logDir: backupLogDir(resolved.stateDir), unit: { unit: backupUnitId }, what: "backups" };
  }
  const sync = resolved.loaded.sync;
  const paths = workspacePaths(resolved.stateDir, resolved.workspace, sync.localPath, sync.mode);
  return { logDir: paths.logDir, unit: { workspace: resolved.workspace }, what: paths.workspace };
}

async function serveLive(resolved: Scope, chart: ChartSpec, port: number, out: Output, json: boolean) {
  const { logDir, unit, what } = watchedLog(resolved, chart);
  const source = await createLogSource({ chart, logDir, onWarning: (w) => out.warn(w) });
  // A running host pushes each processed event over its socket: the page follows at once, not at the next poll.
  const progress = progressHub((w) => out.warn(w));
  const host = await followHost(resolved, unit, () => void source.refresh(), progress);
  const live = await startLiveServer({
    source,
    svg: () => renderChart(chart, "svg"),
    port,
    title: `${chart.name} · ${what}`,
    progress,
    ...(chart.name === "backup" ? {} : { summary: summarizer(resolved) }),
  });
  if (json) out.json({ url: live.url, port: live.port, mode: chart.name, logDir });
  else {
    out.line(`live page (127.0.0.1 only; the token in the address is the key): ${live.url}`);
    out.line("press Ctrl-C to stop");
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      host?.close();
      void live
        .close()
        .then(() => source.close())
        .finally(resolve);
    };
    process.once("SIGINT", stop).once("SIGTERM", stop);
  });
}

export const vizCommand = defineCommand({
  meta: {
    name: "viz",
    description: "Draw the statechart (Mermaid, DOT or SVG, offline), or serve the live debugging page",
  },
  args: {
    ...commonArgs,
    mode: {
      type: "string",
      description: `which statechart: ${chartNames().join(", ")} (default: the configured mode)`,
      valueHint: "MODE",
    },
    format: { type: "string", description: "mermaid (default), dot or svg", valueHint: "FORMAT" },
    out: {
      type: "string",
      description: "write to FILE (format from its extension unless --format)",
      valueHint: "FILE",
    },
    live: {
      type: "boolean",
      description: "serve the live page on 127.0.0.1: current state, event timeline, time travel",
    },
    port: { type: "string", description: "port for --live (default: any free one)", valueHint: "N" },
    json: { type: "boolean", description: "with --live: print the page's address as JSON" },
  },
  async run({ args }) {
    const out = createOutput();
    if (args.live) {
      const port = Number(args.port ?? "0");
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new CliError(
          `--port must be a whole number from 0 to 65535 (got "${args.port}")`,
          ExitCode.usage,
        );
      const resolved = await resolveScope(args, out);
      const chart = chartOf(args.mode ?? resolved.loaded.sync.mode);
      await serveLive(resolved, chart, port, out, args.json === true);
      return;
    }
    const format = formatOf(args.format, args.out);
    const chart = await chosenChart(args, out);
    const text = await renderChart(chart, format, {
      comments: [`Generated from ${chart.source} by workspace-sync viz.`],
    });
    if (args.out === undefined) process.stdout.write(text);
    else {
      await writeFile(args.out, text);
      out.success(`${chart.name} statechart (${format}) written to ${args.out}`);
    }
  },
});
