/**
 * The live statechart page inside OpenClaw: the same handler `workspace-sync viz --live` serves, mounted
 * on the gateway with `registerHttpRoute` and the gateway's own auth (so no token of ours). It is built on
 * the first request, for the gateway's workspace, and reads that workspace's event log; the service's
 * host, running in this process, gives the transfer progress. It is also the dashboard tab's page
 * (`surfaces.ts`), framed by the Control UI (`embedded`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LoadedConfig } from "../config/load.js";
import { workspacePaths } from "../paths.js";
import type { Unit } from "../runtime/unit.js";
import { createLiveHandler, type LiveHandler } from "../viz/live/handler.js";
import { createLogSource } from "../viz/live/log-source.js";
import { progressHub } from "../viz/live/progress-feed.js";
import type { LiveSource, ProgressFeed } from "../viz/live/source.js";
import { summarizer } from "../viz/live/summary.js";
import { chartFor } from "../viz/registry.js";
import { renderChart } from "../viz/render.js";

export const liveRoutePath = "/workspace-sync/live";

export interface LiveRouteInputs {
  /** The plugin's config, or null when it is missing or invalid (the page then answers 503). */
  config(): LoadedConfig | null;
  stateDir(): string;
  workspace(): string;
  /** The workspace's unit of the host the service runs in this process, if it runs. */
  unit(): Unit | null;
  onWarning(message: string): void;
}

/**
 * Progress of whichever unit the service runs now (a config reload replaces the host): while a page
 * listens, the feed follows the current unit, looking again every 2 s.
 */
function unitProgress(inputs: LiveRouteInputs): ProgressFeed & { close(): void } {
  const hub = progressHub(inputs.onWarning);
  let watched: { unit: Unit; stop: () => void } | null = null;
  let timer: NodeJS.Timeout | null = null;
  const follow = () => {
    const unit = hub.listeners > 0 ? inputs.unit() : null;
    if (watched?.unit === unit) return;
    watched?.stop();
    watched = null;
    const stop = unit?.watchProgress?.((stats) => hub.push(stats));
    if (unit && stop) watched = { unit, stop };
  };
  const close = () => {
    if (timer) clearInterval(timer);
    timer = null;
    watched?.stop();
    watched = null;
  };
  return {
    subscribe(listener) {
      const unsubscribe = hub.subscribe(listener);
      follow();
      timer ??= setInterval(follow, 2000).unref();
      return () => {
        unsubscribe();
        if (hub.listeners === 0) close();
      };
    },
    close,
  };
}

export interface LiveRoute {
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  close(): Promise<void>;
}

export function createLiveRoute(inputs: LiveRouteInputs): LiveRoute {
  let built: Promise<{
    source: LiveSource;
    handler: LiveHandler;
    progress: { close(): void };
  } | null> | null = null;
  const build = async () => {
    const loaded = inputs.config();
    if (loaded === null) return null;
    const sync = loaded.sync;
    const chart = chartFor(sync.mode);
    const paths = workspacePaths(inputs.stateDir(), inputs.workspace(), sync.localPath, sync.mode);
    const source = await createLogSource({ chart, logDir: paths.logDir, onWarning: inputs.onWarning });
    const progress = unitProgress(inputs);
    const scope = { loaded, stateDir: inputs.stateDir(), workspace: inputs.workspace() };
    const handler = createLiveHandler({
      source,
      svg: () => renderChart(chart, "svg"),
      token: null,
      basePath: liveRoutePath,
      title: `${chart.name} · ${paths.workspace}`,
      progress,
      summary: summarizer(scope),
      embedded: true,
    });
    return { source, handler, progress };
  };
  return {
    async handle(req, res) {
      built ??= build().catch((error: unknown) => {
        built = null;
        throw error;
      });
      const live = await built;
      if (live === null) {
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
        res.end("workspace-sync: the plugin config is missing or invalid; see the gateway log\n");
        return true;
      }
      live.handler(req, res);
      return true;
    },
    async close() {
      const live = await built?.catch(() => null);
      built = null;
      live?.handler.close();
      live?.progress.close();
      await live?.source.close();
    },
  };
}
